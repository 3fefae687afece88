/** The examples' one assertion: computed values equal the expected ones, or the program fails loudly. */
final class Check {
    private Check() {
    }

    static void close(double[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(what + ": " + actual.length + " values, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new IllegalStateException(what + "[" + i + "] = " + actual[i] + ", expected " + expected[i]);
            }
        }
        System.out.println(what + ": as expected");
    }
}
