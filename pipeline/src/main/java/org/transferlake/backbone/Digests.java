package org.transferlake.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 of model content: a file, a directory tree (names and bytes), or named byte streams. */
final class Digests {
    private Digests() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    static void update(MessageDigest digest, String name, InputStream content) throws IOException {
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        byte[] buffer = new byte[1 << 16];
        for (int read; (read = content.read(buffer)) > 0; ) {
            digest.update(buffer, 0, read);
        }
        digest.update((byte) 0);
    }

    /** Digest of every regular file under {@code dir}: relative path and content, in path order. */
    static String ofTree(Path dir) throws IOException {
        MessageDigest digest = sha256();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                update(digest, dir.relativize(file).toString().replace('\\', '/'), in);
            }
        }
        return hex(digest);
    }

    static String ofFile(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            update(digest, "", in);
        }
        return hex(digest);
    }
}
