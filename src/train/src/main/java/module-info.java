/** The training workflow: data sets and loaders, the trainer, checkpoints, metrics, plots, progress; ONNX export. */
module org.jdnn.train {
    requires transitive org.jdnn.core;
    requires java.desktop; // ImageIO for the plots and image files
    requires xchart; // no module descriptor: its file name is its automatic module name
    requires me.tongfei.progressbar;
    requires com.google.protobuf; // TensorBoard's event messages, generated from src/main/proto

    exports org.jdnn.data;
    exports org.jdnn.train;
    exports org.jdnn.train.checkpoint;
    exports org.jdnn.train.report;
    exports org.jdnn.train.search;
    exports org.jdnn.distributed;
    exports org.jdnn.onnx;
    exports org.jdnn.train.tensorboard;
    exports org.jdnn.train.io to org.jdnn.cli; // the JSON and atomic-file helpers, not an API
}
