/** Generated FFM bindings; only jdnn's own native layers read them. */
module org.jdnn.bindings {
    exports org.jdnn.bindings.dnnl to org.jdnn.core;
    exports org.jdnn.bindings.cuda to org.jdnn.cuda;
    exports org.jdnn.bindings.cudart to org.jdnn.cuda;
    exports org.jdnn.bindings.nvrtc to org.jdnn.cuda;
    exports org.jdnn.bindings.cublas to org.jdnn.cuda;
    exports org.jdnn.bindings.cublaslt to org.jdnn.cuda;
    exports org.jdnn.bindings.cudnn to org.jdnn.cuda;
    exports org.jdnn.bindings.nccl to org.jdnn.cuda;
    exports org.jdnn.bindings.mpi to org.jdnn.core;
}
