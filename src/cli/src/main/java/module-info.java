/** The jdnn command line: train, eval, predict, info, demo, playground. */
module org.jdnn.cli {
    requires org.jdnn.train;
    requires org.jdnn.cuda;
    requires info.picocli;
    requires java.desktop; // ImageIO reads the images predict takes
    requires jdk.httpserver; // the playground's page and JSON API

    opens org.jdnn.cli to info.picocli; // picocli fills the annotated option fields reflectively
}
