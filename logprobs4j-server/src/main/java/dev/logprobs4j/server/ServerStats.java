package dev.logprobs4j.server;

/**
 * A snapshot of a {@link LogprobsServer}'s counters since it started: immutable.
 *
 * @param requests              HTTP requests received
 * @param generationsStarted    generations admitted to run
 * @param generationsCompleted  generations that ran to their finish reason
 * @param generationsCancelled  generations stopped early because the client went away or the request timed out
 * @param rejected              requests refused for overload (429 or 503)
 * @param completionTokens      tokens generated in all
 * @param active                generations running now
 * @param queued                requests waiting for a generation slot now
 */
public record ServerStats(long requests, long generationsStarted, long generationsCompleted, long generationsCancelled,
                          long rejected, long completionTokens, int active, int queued) {
}
