package org.jdnn.train;

import org.jdnn.train.report.ConfusionMatrix;

/** A model's mean loss and accuracy over a data set, with the confusion matrix behind the accuracy. */
public record Evaluation(double loss, double accuracy, long samples, ConfusionMatrix confusion) {
}
