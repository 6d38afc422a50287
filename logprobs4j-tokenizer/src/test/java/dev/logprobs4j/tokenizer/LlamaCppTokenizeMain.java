package dev.logprobs4j.tokenizer;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Oracle process: tokenizes texts with llama.cpp (de.kherud:llama 4.1.0, whose
 * {@code LlamaModel.encode} is {@code llama_tokenize(text, add_special = false, parse_special = true)}).
 * Run only in a forked JVM by {@link LlamaCppOracle}.
 *
 * <p>Arguments: model path, input file (one Base64 UTF-8 text per line), output file (one line of
 * comma-separated ids per input line). Ends with {@link Runtime#halt} because the JVM may not exit
 * by itself once the native library has been loaded.
 */
public final class LlamaCppTokenizeMain {
    private LlamaCppTokenizeMain() {
    }

    public static void main(String[] args) throws Exception {
        int status = 1;
        try {
            LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> { });
            List<String> lines = Files.readAllLines(Path.of(args[1]), StandardCharsets.US_ASCII);
            ModelParameters params = new ModelParameters()
                    .setModel(args[0])
                    .setCtxSize(512)
                    .setThreads(1)
                    .setGpuLayers(0)
                    .skipWarmup();
            try (LlamaModel model = new LlamaModel(params);
                 BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.US_ASCII)) {
                for (String line : lines) {
                    String text = new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8);
                    int[] ids = model.encode(text);
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < ids.length; i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        sb.append(ids[i]);
                    }
                    out.write(sb.toString());
                    out.write('\n');
                }
                out.write("END\n");
            }
            status = 0;
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        }
    }
}
