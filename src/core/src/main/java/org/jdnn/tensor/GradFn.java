package org.jdnn.tensor;

import java.util.List;

/**
 * The recorded operation that produced a tensor, as the tensor sees it: a name and the inputs the gradient
 * flows back to. The autograd layer ({@code org.jdnn.autograd}) implements it; this package only stores it.
 */
public interface GradFn {
    /** The op's name, e.g. "matmul" (for messages and graph inspection). */
    String name();

    /** The tensors this op read, in order (empty once the graph has been freed by a backward pass). */
    List<Tensor> inputs();
}
