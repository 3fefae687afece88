/**
 * jdnn's core: tensors, autograd, the op table, nn modules, losses, optimizers, and the CPU backends (oneDNN and
 * the pure-Java reference). Backend implementations and native loading stay internal; a GPU backend module gets
 * the native layer through a qualified export. Applications grant native access to jdnn's modules alone:
 * {@code --enable-native-access=org.jdnn.core,org.jdnn.bindings}.
 */
module org.jdnn.core {
    requires org.jdnn.bindings;
    requires jdk.management; // the physical memory size, for the native memory budget

    exports org.jdnn;
    exports org.jdnn.tensor;
    exports org.jdnn.autograd;
    exports org.jdnn.ops;
    exports org.jdnn.functional;
    exports org.jdnn.backend;
    exports org.jdnn.nn;
    exports org.jdnn.nn.init;
    exports org.jdnn.nn.models;
    exports org.jdnn.nn.inference;
    exports org.jdnn.loss;
    exports org.jdnn.optim;
    exports org.jdnn.optim.schedule;
    exports org.jdnn.natives to org.jdnn.cuda, org.jdnn.cli, org.jdnn.train;
    exports org.jdnn.natives.mpi to org.jdnn.train; // MPI for org.jdnn.distributed

    uses org.jdnn.backend.BackendProvider;
    uses org.jdnn.tensor.DeviceMemory;
    uses org.jdnn.backend.DeviceCollectives; // NCCL for cuda tensors, from org.jdnn.cuda
    provides org.jdnn.backend.BackendProvider with org.jdnn.backend.reference.ReferenceBackendProvider,
            org.jdnn.backend.onednn.OneDnnBackendProvider, org.jdnn.backend.sim.SimBackendProvider;
    provides org.jdnn.tensor.DeviceMemory with org.jdnn.backend.sim.SimMemory;
}
