package org.jdnn.playground;

/**
 * What the page shows at one moment: the config, the progress, the loss curves, the decision boundary and the
 * points. Immutable: a session makes a new one for every request.
 *
 * @param epochs       the epoch of each history entry (0 is before training), at most {@link #MAX_HISTORY} entries
 *                     spread evenly over the run, always with the latest
 * @param trainLosses  the mean cross-entropy over the training points at each of {@code epochs}
 * @param testLosses   the same over the test points
 * @param boundary     {@link #GRID} x {@link #GRID} probabilities of class 1, row by row from the top
 *                     ({@code y = +extent}) down, each row from {@code x = -extent} rightwards, at cell centres
 * @param trainPoints  x, y of every training point, point after point; {@code trainLabels} their classes
 * @param message      why training stopped by itself (it diverged), or empty
 */
public record PlaygroundState(PlaygroundConfig config, boolean running, int epoch, long steps, double trainLoss,
                              double testLoss, double trainAccuracy, double testAccuracy, int[] epochs,
                              float[] trainLosses, float[] testLosses, double extent, float[] boundary,
                              float[] trainPoints, int[] trainLabels, float[] testPoints, int[] testLabels,
                              String message) {
    /** The boundary's resolution in cells per side. */
    public static final int GRID = 50;
    /** The most loss-curve points a state carries. */
    public static final int MAX_HISTORY = 500;

    /** The state as the JSON object {@code GET /api/state} returns (see docs/PLAYGROUND.md). */
    public String toJson() {
        JsonText json = new JsonText().beginObject();
        json.name("config").beginObject()
                .name("dataset").value(config.dataset())
                .name("noise").value(config.noise())
                .name("samples").value(config.samples())
                .name("testFraction").value(config.testFraction())
                .name("hidden").values(config.hidden())
                .name("activation").value(config.activation())
                .name("learningRate").value(config.learningRate())
                .name("optimizer").value(config.optimizer())
                .name("l2").value(config.l2())
                .name("dropout").value(config.dropout())
                .name("batchSize").value(config.batchSize())
                .name("seed").value(config.seed())
                .endObject();
        json.name("running").value(running)
                .name("epoch").value(epoch)
                .name("steps").value(steps)
                .name("trainLoss").value(trainLoss)
                .name("testLoss").value(testLoss)
                .name("trainAccuracy").value(trainAccuracy)
                .name("testAccuracy").value(testAccuracy)
                .name("message").value(message);
        json.name("history").beginObject()
                .name("epochs").values(epochs)
                .name("trainLoss").values(trainLosses, 5)
                .name("testLoss").values(testLosses, 5)
                .endObject();
        json.name("boundary").beginObject()
                .name("size").value(GRID)
                .name("extent").value(extent)
                .name("probabilities").values(boundary, 4)
                .endObject();
        json.name("train").beginObject()
                .name("xy").values(trainPoints, 4)
                .name("labels").values(trainLabels)
                .endObject();
        json.name("test").beginObject()
                .name("xy").values(testPoints, 4)
                .name("labels").values(testLabels)
                .endObject();
        return json.endObject().toString();
    }
}
