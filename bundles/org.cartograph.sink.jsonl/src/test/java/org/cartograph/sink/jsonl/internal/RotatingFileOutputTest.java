package org.cartograph.sink.jsonl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileOutputTest {

    @TempDir
    Path dir;

    private RotatingFileOutput output;

    @AfterEach
    void close() {
        if (output != null) {
            output.close();
        }
    }

    @Test
    void rotationKeepsMaxFilesWithTheNewestDataInTheFile() throws IOException {
        output = new RotatingFileOutput(dir.resolve("logs/flows.jsonl"), 8, 2);

        for (int i = 1; i <= 5; i++) {
            write("batch-" + i + "\n");
        }

        Path file = output.file();
        assertEquals("batch-5\n", Files.readString(file));
        assertEquals("batch-4\n", Files.readString(output.rotated(1)));
        assertEquals("batch-3\n", Files.readString(output.rotated(2)));
        assertFalse(Files.exists(output.rotated(3)));
        assertEquals(4, output.rotations());
    }

    @Test
    void theFileGrowsUntilItReachesTheLimit() throws IOException {
        output = new RotatingFileOutput(dir.resolve("flows.jsonl"), 6, 1);

        write("ab\n");
        write("cd\n");
        write("ef\n");

        assertEquals("ef\n", Files.readString(output.file()));
        assertEquals("ab\ncd\n", Files.readString(output.rotated(1)));
        assertEquals(1, output.rotations());
    }

    @Test
    void withNoRotatedFilesAFullFileIsStartedAfresh() throws IOException {
        output = new RotatingFileOutput(dir.resolve("flows.jsonl"), 4, 0);

        write("first\n");
        write("second\n");

        assertEquals("second\n", Files.readString(output.file()));
        assertFalse(Files.exists(output.rotated(1)));
    }

    @Test
    void aFileDeletedBetweenBatchesIsCreatedAgain() throws IOException {
        output = new RotatingFileOutput(dir.resolve("flows.jsonl"), 1000, 1);
        write("one\n");

        Files.delete(output.file());
        write("two\n");

        assertEquals("two\n", Files.readString(output.file()));
    }

    @Test
    void abortCutsAPartialBatchSoTheRetryLeavesNoHalfLine() throws IOException {
        output = new RotatingFileOutput(dir.resolve("flows.jsonl"), 1000, 1);
        write("complete\n");
        OutputStream out = output.begin();
        out.write("half a li".getBytes(StandardCharsets.UTF_8));

        output.abort();
        write("retried\n");

        assertEquals("complete\nretried\n", Files.readString(output.file()));
    }

    private void write(String text) throws IOException {
        OutputStream out = output.begin();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        output.commit();
    }
}
