/** The jdnn command line: train, eval, predict, info. */
module org.jdnn.cli {
    requires org.jdnn.train;
    requires org.jdnn.cuda;
    requires info.picocli;
    requires java.desktop; // ImageIO reads the images predict takes

    opens org.jdnn.cli to info.picocli; // picocli fills the annotated option fields reflectively
}
