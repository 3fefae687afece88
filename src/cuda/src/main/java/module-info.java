/** The NVIDIA GPU backend, found by the core through its service; unavailable, with the reason, without a GPU. */
module org.jdnn.cuda {
    requires org.jdnn.core;
    requires org.jdnn.bindings;

    provides org.jdnn.backend.BackendProvider with org.jdnn.backend.cuda.CudaBackendProvider;
    provides org.jdnn.tensor.DeviceMemory with org.jdnn.backend.cuda.CudaMemory;
    provides org.jdnn.backend.DeviceCollectives with org.jdnn.backend.cuda.NcclCollectives;
}
