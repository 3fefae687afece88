package org.jdnn.train.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TensorFlow's record framing, which event files use: the data's length as a little-endian uint64, the masked
 * CRC-32C of those eight bytes, the data, then the masked CRC-32C of the data (both checksums little-endian uint32).
 * The checksum over the length lets a reader tell a torn length from a long record before it reads on.
 */
public final class RecordFraming {
    /** Bytes a record adds around its data: the length, its checksum and the data's checksum. */
    public static final int OVERHEAD = 8 + 4 + 4;

    private static final int MASK_DELTA = 0xa282ead8;

    private RecordFraming() {}

    /** The framed record, ready to append to a file. */
    public static byte[] frame(byte[] data) {
        ByteBuffer record = ByteBuffer.allocate(OVERHEAD + data.length).order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(data.length);
        record.putInt(maskedCrc32c(record.array(), 0, 8));
        record.put(data);
        record.putInt(maskedCrc32c(data, 0, data.length));
        return record.array();
    }

    /**
     * TensorFlow masks the CRC stored next to data because a CRC of bytes that themselves contain CRCs is weak: rotate
     * right by 15 bits, then add a constant.
     */
    public static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }
}
