package org.jdnn.train.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Writes a whole file or nothing: the bytes go to a temporary file beside the target, are forced to disk, and
 * the temporary file is renamed over the target. The temporary file is removed on any failure.
 *
 * <p>A process killed mid-save (or a power cut) cannot run that removal, and leaves its temporary file behind:
 * {@code .NAME.RANDOM.tmp} beside the target {@code NAME}. Every write first removes such strays from its directory
 * ({@link #removeStrayTemporaries}); the temporary files of writes still in progress in this JVM are known and kept.
 * Two processes saving into one directory at the same time are not supported (the one starting may remove the
 * other's temporary file, whose rename then fails cleanly: no file is ever torn).
 */
public final class AtomicFiles {
    private static final System.Logger LOG = System.getLogger(AtomicFiles.class.getName());
    /**
     * {@code .NAME.RANDOM.tmp}: RANDOM is base 36 here, decimal in the files {@code Files.createTempFile} made for
     * earlier versions' safetensors writes; both are matched, so their strays are cleaned up too.
     */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-z]{1,20}\\.tmp");
    /** The temporary files being written by this JVM, which a cleanup must not take for strays. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = createTemporary(absolute);
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            release(temp, !moved);
        }
    }

    /**
     * Creates the directory of {@code target} if needed, removes the strays of earlier interrupted saves from it, and
     * creates an empty temporary file for a new save of {@code target} beside it (same directory, so the final rename
     * stays on one file system and can be atomic). The caller writes it, renames it over the target and then calls
     * {@link #release}, also when it fails.
     */
    public static Path createTemporary(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        removeStrayTemporaries(dir);
        while (true) {
            // Not Files.createTempFile: its owner-only permissions would end up on the renamed file.
            Path temp = dir.resolve("." + absolute.getFileName() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            IN_FLIGHT.add(temp);
            try {
                Files.createFile(temp);
                return temp;
            } catch (FileAlreadyExistsException e) {
                IN_FLIGHT.remove(temp); // a 64-bit collision: draw again
            } catch (IOException | RuntimeException e) {
                IN_FLIGHT.remove(temp);
                throw e;
            }
        }
    }

    /** Ends a save begun with {@link #createTemporary}: deletes the temporary file if {@code delete} (the save failed). */
    public static void release(Path temp, boolean delete) throws IOException {
        try {
            if (delete) {
                Files.deleteIfExists(temp);
            }
        } finally {
            IN_FLIGHT.remove(temp);
        }
    }

    /**
     * Deletes the temporary files that interrupted saves left in {@code dir} (see the class comment), except those of
     * saves in progress in this JVM; returns what it deleted. A missing directory has none.
     */
    public static List<Path> removeStrayTemporaries(Path dir) throws IOException {
        List<Path> removed = new ArrayList<>();
        Path absolute = dir.toAbsolutePath();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(absolute,
                p -> TEMPORARY.matcher(p.getFileName().toString()).matches())) {
            for (Path p : entries) {
                if (!IN_FLIGHT.contains(p) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && Files.deleteIfExists(p)) {
                    removed.add(p);
                    LOG.log(System.Logger.Level.INFO, () -> "removed " + p + ", left by an interrupted save");
                }
            }
        } catch (NoSuchFileException e) {
            return removed;
        }
        return removed;
    }
}
