/** A user's module: it reads jdnn's core and nothing else of it. */
module org.example.consumer {
    requires org.jdnn.core;
}
