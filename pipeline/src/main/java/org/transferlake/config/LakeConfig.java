package org.transferlake.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the lake lives and how to reach it.
 *
 * @param endpoint {@code embedded}, {@code aws}, or an http(s) URL of an S3 API
 * @param root warehouse root URI, always ending in {@code /}
 * @param credentials static keys; empty means the AWS default provider chain (or, embedded, the
 *     server's generated keys)
 */
public record LakeConfig(
        String endpoint,
        URI root,
        String region,
        boolean pathStyleAccess,
        Optional<Credentials> credentials,
        Path embeddedDataDir,
        int embeddedPort) {

    public static final String EMBEDDED = "embedded";
    public static final String AWS = "aws";

    public boolean isEmbedded() {
        return EMBEDDED.equals(endpoint);
    }

    /** The bucket (or authority) of the root, e.g. {@code lake} for {@code s3a://lake/transferlake/}. */
    public String bucket() {
        return root.getAuthority();
    }

    /** A location under the root, e.g. {@code resolve("images/")}. */
    public URI resolve(String relative) {
        return root.resolve(relative);
    }
}
