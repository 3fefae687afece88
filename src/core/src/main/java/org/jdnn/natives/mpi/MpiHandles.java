package org.jdnn.natives.mpi;

import java.lang.foreign.MemorySegment;

/**
 * Open MPI's predefined handles, written by hand: in {@code mpi.h} they are macros casting the address of a global
 * struct ({@code #define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL(MPI_Comm, ompi_mpi_comm_world)}), which jextract
 * cannot express. Each is that global's address in the loaded libmpi. The sentinels are the header's literal values.
 */
final class MpiHandles {
    /** {@code MPI_IN_PLACE}: {@code ((void *) 1)}. */
    static final MemorySegment IN_PLACE = MemorySegment.ofAddress(1);
    /** {@code MPI_STATUS_IGNORE}: {@code ((MPI_Status *) 0)}. */
    static final MemorySegment STATUS_IGNORE = MemorySegment.NULL;

    private MpiHandles() {
    }

    static MemorySegment commWorld() {
        return global("ompi_mpi_comm_world");
    }

    static MemorySegment floatType() {
        return global("ompi_mpi_float");
    }

    static MemorySegment sumOp() {
        return global("ompi_mpi_op_sum");
    }

    static MemorySegment errorsReturn() {
        return global("ompi_mpi_errors_return");
    }

    private static MemorySegment global(String name) {
        return MpiLibrary.symbols().find(name).orElseThrow(() -> new IllegalStateException(
                "MPI: symbol " + name + " not found in " + MpiLibrary.load()
                        + "; jdnn's MPI handles are Open MPI's (4.x/5.x), is this another MPI?"));
    }
}
