package org.jdnn.optim;

import org.jdnn.autograd.Autograd;
import org.jdnn.functional.Functional;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Limited-memory BFGS for full-batch problems, after PyTorch's {@code torch.optim.LBFGS}: each
 * {@link #step(Supplier)} runs up to {@code maxIter} iterations, re-evaluating the closure (which must zero the
 * gradients, compute the loss and call backward) as needed. The search direction comes from the two-loop
 * recursion over the last {@code historySize} curvature pairs; pairs with {@code y.s <= 1e-10} are skipped.
 *
 * <p>Line search: {@link LineSearch#BACKTRACKING_ARMIJO} halves the step from {@code lr} until the Armijo
 * condition {@code f(x + t d) <= f(x) + 1e-4 t g.d} holds (at most 30 halvings; if none satisfies it the
 * parameters go back and the step ends). {@link LineSearch#NONE} takes a fixed step {@code lr}, as PyTorch's
 * default. This implementation has no strong-Wolfe search.
 *
 * <p>The flat parameter vector, the direction and the history are kept on the host in double precision (the
 * problems L-BFGS suits are small); parameters are written back in place.
 */
public final class LBFGS extends Optimizer {
    /** How the step length along the search direction is chosen. */
    public enum LineSearch {
        /** A fixed step of lr (the first iteration uses min(1, 1/|g|_1) lr, as PyTorch). */
        NONE,
        /** Backtracking from lr, halving until the Armijo sufficient-decrease condition holds. */
        BACKTRACKING_ARMIJO
    }

    /** L-BFGS options with PyTorch's meanings. */
    public record Options(double lr, int maxIter, int maxEval, double toleranceGrad, double toleranceChange,
                          int historySize, LineSearch lineSearch) {
        public Options {
            if (!(lr > 0) || maxIter < 1 || maxEval < 1 || historySize < 1 || !(toleranceGrad >= 0)
                    || !(toleranceChange >= 0) || lineSearch == null) {
                throw new IllegalArgumentException("lbfgs: bad options lr " + lr + ", maxIter " + maxIter + ", maxEval "
                        + maxEval + ", historySize " + historySize + ", tolerances " + toleranceGrad + "/"
                        + toleranceChange + ", line search " + lineSearch);
            }
        }

        /** PyTorch's defaults (lr 1, 20 iterations, 25 evaluations, history 100) with the given line search. */
        public static Options defaults(LineSearch lineSearch) {
            return new Options(1, 20, 25, 1e-7, 1e-9, 100, lineSearch);
        }

        public Options withMaxIter(int value) {
            return new Options(lr, value, value * 5 / 4, toleranceGrad, toleranceChange, historySize, lineSearch);
        }

        public Options withHistorySize(int value) {
            return new Options(lr, maxIter, maxEval, toleranceGrad, toleranceChange, value, lineSearch);
        }

        public Options withLr(double value) {
            return new Options(value, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearch);
        }
    }

    private static final double ARMIJO_C1 = 1e-4;
    private static final int MAX_HALVINGS = 30;

    private Options options;
    private final Deque<double[]> oldSteps = new ArrayDeque<>();   // s_k = x_{k+1} - x_k
    private final Deque<double[]> oldDiffs = new ArrayDeque<>();   // y_k = g_{k+1} - g_k
    private double[] direction;
    private double[] previousGrad;
    private double stepLength;
    private double hessianDiag = 1;
    private double previousLoss;
    private long iterations;
    private long evaluations;

    public LBFGS(List<Tensor> params, Options options) {
        super("lbfgs", single(params), options.lr(), 0);
        this.options = options;
    }

    /** L-BFGS needs to re-evaluate the loss: call {@link #step(Supplier)}. */
    @Override
    public void step() {
        throw new IllegalStateException("lbfgs: step() needs a closure that recomputes the loss; call step(closure)");
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, ParamState state) {
        throw new IllegalStateException("lbfgs: updates happen in step(closure)");
    }

    /** Total iterations and closure evaluations so far. */
    public long iterations() {
        return iterations;
    }

    public long evaluations() {
        return evaluations;
    }

    /** Runs up to maxIter iterations; returns the loss at the start of the step. */
    @Override
    public synchronized float step(Supplier<Tensor> closure) {
        if (closure == null) {
            throw new IllegalArgumentException("lbfgs: closure is null");
        }
        checkUsable();
        double lr = paramGroups().getFirst().lr();
        double[] g = new double[(int) numel()];
        double loss = evaluate(closure, g);
        double originalLoss = loss;
        int evals = 1;
        if (maxAbs(g) <= options.toleranceGrad()) {
            return (float) originalLoss;
        }
        int n = 0;
        while (n < options.maxIter()) {
            n++;
            iterations++;
            if (iterations == 1) {
                direction = scaled(g, -1);
                oldSteps.clear();
                oldDiffs.clear();
                hessianDiag = 1;
            } else {
                double[] y = axpy(-1, previousGrad, g);
                double[] s = scaled(direction, stepLength);
                double ys = dot(y, s);
                if (ys > 1e-10) {
                    if (oldSteps.size() == options.historySize()) {
                        oldSteps.removeFirst();
                        oldDiffs.removeFirst();
                    }
                    oldSteps.addLast(s);
                    oldDiffs.addLast(y);
                    hessianDiag = ys / dot(y, y);
                }
                direction = twoLoop(g);
            }
            previousGrad = g.clone();
            previousLoss = loss;
            stepLength = iterations == 1 ? Math.min(1, 1 / sumAbs(g)) * lr : lr;
            double gtd = dot(g, direction);
            if (gtd > -options.toleranceChange()) {
                break; // not a descent direction any more
            }
            if (options.lineSearch() == LineSearch.BACKTRACKING_ARMIJO) {
                double[] x0 = flatParams();
                double[] gNew = new double[g.length];
                double fNew = Double.NaN;
                boolean accepted = false;
                for (int k = 0; k <= MAX_HALVINGS; k++) {
                    writeParams(axpy(stepLength, direction, x0));
                    fNew = evaluate(closure, gNew);
                    evals++;
                    if (fNew <= loss + ARMIJO_C1 * stepLength * gtd) {
                        accepted = true;
                        break;
                    }
                    stepLength *= 0.5;
                }
                if (!accepted) {
                    writeParams(x0);
                    break;
                }
                loss = fNew;
                g = gNew;
            } else {
                writeParams(axpy(stepLength, direction, flatParams()));
                if (n != options.maxIter()) {
                    loss = evaluate(closure, g = new double[g.length]);
                    evals++;
                }
            }
            if (n == options.maxIter() || evals >= options.maxEval()) {
                break;
            }
            if (maxAbs(g) <= options.toleranceGrad()) {
                break;
            }
            if (maxAbs(direction) * stepLength <= options.toleranceChange()) {
                break;
            }
            if (Math.abs(loss - previousLoss) < options.toleranceChange()) {
                break;
            }
        }
        evaluations += evals;
        return (float) originalLoss;
    }

    /** H g by the two-loop recursion, negated: the search direction. */
    private double[] twoLoop(double[] g) {
        int m = oldSteps.size();
        double[][] s = oldSteps.toArray(new double[0][]);
        double[][] y = oldDiffs.toArray(new double[0][]);
        double[] rho = new double[m];
        double[] alpha = new double[m];
        double[] q = scaled(g, -1);
        for (int i = m - 1; i >= 0; i--) {
            rho[i] = 1 / dot(y[i], s[i]);
            alpha[i] = rho[i] * dot(s[i], q);
            q = axpy(-alpha[i], y[i], q);
        }
        double[] r = scaled(q, hessianDiag);
        for (int i = 0; i < m; i++) {
            double beta = rho[i] * dot(y[i], r);
            r = axpy(alpha[i] - beta, s[i], r);
        }
        return r;
    }

    /** Runs the closure with recording on; fills {@code grad} with the flat gradient and returns the loss. */
    private double evaluate(Supplier<Tensor> closure, double[] grad) {
        double loss;
        try (Scope scope = Scope.open()) {
            loss = closure.get().item();
        }
        int offset = 0;
        for (Tensor p : params()) {
            int size = (int) p.numel();
            if (p.grad() != null) {
                float[] values = p.grad().toFloatArray();
                for (int i = 0; i < size; i++) {
                    grad[offset + i] = values[i];
                }
            } else {
                java.util.Arrays.fill(grad, offset, offset + size, 0);
            }
            offset += size;
        }
        return loss;
    }

    private long numel() {
        long total = 0;
        for (Tensor p : params()) {
            total += p.numel();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("lbfgs: " + total + " parameters do not fit a host vector");
        }
        return total;
    }

    private double[] flatParams() {
        double[] x = new double[(int) numel()];
        int offset = 0;
        for (Tensor p : params()) {
            float[] values = p.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                x[offset + i] = values[i];
            }
            offset += values.length;
        }
        return x;
    }

    /** Writes the flat vector back into the parameters' own memory. */
    private void writeParams(double[] x) {
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            int offset = 0;
            for (Tensor p : params()) {
                float[] values = new float[(int) p.numel()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) x[offset + i];
                }
                Functional.copyInto(p, Tensor.of(values, p.dims()));
                offset += values.length;
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** a x + y, as a new array. */
    private static double[] axpy(double a, double[] x, double[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = a * x[i] + y[i];
        }
        return out;
    }

    private static double[] scaled(double[] x, double a) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = a * x[i];
        }
        return out;
    }

    private static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double sumAbs(double[] x) {
        double s = 0;
        for (double v : x) {
            s += Math.abs(v);
        }
        return s;
    }

    // ---- state dict: the history as float tensors (so a resumed run is close to, not bit-identical with, the original) ----

    @Override
    protected Map<String, Double> hyperParameters() {
        return Map.of("max_iter", (double) options.maxIter(), "max_eval", (double) options.maxEval(),
                "tolerance_grad", options.toleranceGrad(), "tolerance_change", options.toleranceChange(),
                "history_size", (double) options.historySize(), "line_search", (double) options.lineSearch().ordinal());
    }

    @Override
    protected void loadHyperParameters(Map<String, Double> v) {
        options = new Options(options.lr(), v.get("max_iter").intValue(), v.get("max_eval").intValue(),
                v.get("tolerance_grad"), v.get("tolerance_change"), v.get("history_size").intValue(),
                LineSearch.values()[v.get("line_search").intValue()]);
    }

    @Override
    protected void saveExtraState(Map<String, Tensor> tensors, Map<String, Double> values) {
        values.put("lbfgs.iterations", (double) iterations);
        values.put("lbfgs.evaluations", (double) evaluations);
        values.put("lbfgs.history", (double) oldSteps.size());
        values.put("lbfgs.step_length", stepLength);
        values.put("lbfgs.hessian_diag", hessianDiag);
        values.put("lbfgs.previous_loss", previousLoss);
        if (direction != null) {
            tensors.put("lbfgs.direction", toTensor(direction));
            tensors.put("lbfgs.previous_grad", toTensor(previousGrad));
        }
        Iterator<double[]> s = oldSteps.iterator();
        Iterator<double[]> y = oldDiffs.iterator();
        for (int k = 0; s.hasNext(); k++) {
            tensors.put("lbfgs.s." + k, toTensor(s.next()));
            tensors.put("lbfgs.y." + k, toTensor(y.next()));
        }
    }

    @Override
    protected void loadExtraState(StateDict dict) {
        iterations = (long) dict.value(name(), "lbfgs.iterations");
        evaluations = (long) dict.value(name(), "lbfgs.evaluations");
        stepLength = dict.value(name(), "lbfgs.step_length");
        hessianDiag = dict.value(name(), "lbfgs.hessian_diag");
        previousLoss = dict.value(name(), "lbfgs.previous_loss");
        boolean started = dict.tensors().containsKey("lbfgs.direction");
        direction = started ? fromTensor(dict.tensor(name(), "lbfgs.direction")) : null;
        previousGrad = started ? fromTensor(dict.tensor(name(), "lbfgs.previous_grad")) : null;
        oldSteps.clear();
        oldDiffs.clear();
        List<double[]> steps = new ArrayList<>();
        int history = (int) dict.value(name(), "lbfgs.history");
        for (int k = 0; k < history; k++) {
            steps.add(fromTensor(dict.tensor(name(), "lbfgs.s." + k)));
            oldDiffs.addLast(fromTensor(dict.tensor(name(), "lbfgs.y." + k)));
        }
        oldSteps.addAll(steps);
    }

    private Tensor toTensor(double[] x) {
        float[] values = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            values[i] = (float) x[i];
        }
        return Scope.untracked(() -> Tensor.of(values));
    }

    private double[] fromTensor(Tensor t) {
        if (t.numel() != numel()) {
            throw new IllegalArgumentException("lbfgs: state vector of " + t.numel() + " values for " + numel() + " parameters");
        }
        float[] values = t.toFloatArray();
        double[] x = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            x[i] = values[i];
        }
        return x;
    }
}
