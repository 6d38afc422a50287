package dev.logprobs4j.server.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a new connection whose first request's headers have not arrived within the header timeout
 * (a "slowloris" client that drips header bytes keeps resetting the idle timeout, so that alone
 * does not end it). Later requests on a kept-alive connection are bounded by the idle timeout and
 * the connection cap. Thread-safe.
 */
public final class HeaderDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final long timeoutMillis;
    private final RateLimitedLog log;
    private final Set<Connection> begun = ConcurrentHashMap.newKeySet();

    public HeaderDeadline(Scheduler scheduler, long timeoutMillis, RateLimitedLog log) {
        this.scheduler = scheduler;
        this.timeoutMillis = timeoutMillis;
        this.log = log;
    }

    /** Called when a request's headers are in: the connection has met the deadline. */
    public void begun(Connection connection) {
        if (connection != null) {
            begun.add(connection);
        }
    }

    @Override
    public void onOpened(Connection connection) {
        scheduler.schedule(() -> {
            if (!begun.contains(connection) && connection.getEndPoint().isOpen()) {
                log.warn("closed a connection from " + connection.getEndPoint().getRemoteSocketAddress()
                        + ": no complete request headers within " + timeoutMillis / 1000.0 + " s");
                connection.getEndPoint().close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
        begun.remove(connection);
    }
}
