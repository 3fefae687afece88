/** Generated FFM bindings; only jdnn's own native layers read them. */
module org.jdnn.bindings {
    exports org.jdnn.bindings.dnnl to org.jdnn.core;
    exports org.jdnn.bindings.cudart to org.jdnn.cuda;
    exports org.jdnn.bindings.mpi to org.jdnn.core;
}
