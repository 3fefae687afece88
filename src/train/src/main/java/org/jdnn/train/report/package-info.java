/**
 * Training reports: metrics ({@link org.jdnn.train.report.Metrics}, {@link org.jdnn.train.report.ConfusionMatrix}),
 * the per-epoch {@link org.jdnn.train.report.History} written as JSON and CSV, PNG plots
 * ({@link org.jdnn.train.report.Plots}) and the progress display ({@link org.jdnn.train.report.ProgressReporter}).
 *
 * <p>Every file written here is written atomically (a temporary file in the same directory, then a rename), so a
 * crash or a reader polling the output directory never sees half a file.
 */
package org.jdnn.train.report;
