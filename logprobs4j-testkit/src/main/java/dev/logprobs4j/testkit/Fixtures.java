package dev.logprobs4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads fixture files from the test classpath, byte for byte. Stateless and thread-safe. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * The bytes of a classpath resource, e.g. {@code "/fixtures/ollama/chat.json"}.
     *
     * @throws IllegalArgumentException naming the resource when it is missing
     */
    public static byte[] bytes(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("fixture " + resource + " is not on the classpath of "
                        + anchor.getName() + "; put it under src/test/resources" + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read fixture " + resource, e);
        }
    }
}
