/** The jdnn command line. */
module org.jdnn.cli {
    requires org.jdnn.train;
    requires org.jdnn.cuda;

    exports org.jdnn.examples;
}
