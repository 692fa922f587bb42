package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system's walk finds what Hadoop's own recursive {@code listFiles} finds. */
@Tag("unit")
class ImageListingLocalWalkTest {
    @Test
    void theWalkListsWhatListFilesLists(@TempDir Path dir) throws Exception {
        for (String file : List.of(
                "a.png",
                "one/b.png",
                "one/.b.png.crc",
                "one/two/c.jpg",
                "one/two/three/d.txt",
                "_hidden/e.png",
                ".dot/f.png",
                "empty.png")) {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.write(dir.resolve(file), file.equals("empty.png") ? new byte[0] : file.getBytes());
        }
        Files.createDirectories(dir.resolve("one/empty-directory"));
        LocalFileSystem local = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());

        List<String> walked = paths(ImageListing.allFilesUnder(local, root));
        List<String> listed = paths(local.listFiles(root, true));

        assertThat(walked).containsExactlyInAnyOrderElementsOf(listed).hasSize(7);
        assertThat(paths(ImageListing.allFilesUnder(local.getRaw(), root)))
                .containsExactlyInAnyOrderElementsOf(paths(local.getRaw().listFiles(root, true)));
    }

    private static List<String> paths(RemoteIterator<? extends FileStatus> files) throws Exception {
        List<String> paths = new ArrayList<>();
        while (files.hasNext()) {
            FileStatus file = files.next();
            paths.add(file.getPath() + " " + file.getLen() + " " + file.getModificationTime());
        }
        return paths;
    }
}
