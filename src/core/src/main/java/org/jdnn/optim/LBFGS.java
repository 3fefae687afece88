package org.jdnn.optim;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.functional.Functional;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Limited-memory BFGS for full-batch problems, after PyTorch's {@code torch.optim.LBFGS}: each
 * {@link #step(Supplier)} runs up to {@code maxIter} iterations, re-evaluating the closure (which must zero the
 * gradients, compute the loss and call backward) as needed. The search direction comes from the two-loop
 * recursion over the last {@code historySize} curvature pairs; pairs with {@code y.s <= 1e-10} are skipped.
 *
 * <p>Line search: {@link LineSearch#STRONG_WOLFE} is PyTorch's {@code line_search_fn="strong_wolfe"} (bracketing,
 * then zooming with cubic interpolation, c1 1e-4, c2 0.9, at most 25 evaluations, stopping when the bracket times
 * max|d| falls under the change tolerance). {@link LineSearch#BACKTRACKING_ARMIJO} halves the step from {@code lr}
 * until the Armijo condition {@code f(x + t d) <= f(x) + 1e-4 t g.d} holds (at most 30 halvings; if none satisfies it
 * the parameters go back and the step ends). {@link LineSearch#NONE} takes a fixed step {@code lr}, as PyTorch's
 * default.
 *
 * <p>The vectors (gradient, direction, history) are flat float tensors on the parameters' device, and all vector
 * math runs there as tensor ops; only scalars (the loss, dot products, norms) are read on the host, where the
 * recursion's coefficients are computed. Parameters are written back in place. {@link #close()} frees the history.
 */
public final class LBFGS extends Optimizer {
    /** How the step length along the search direction is chosen. */
    public enum LineSearch {
        /** A fixed step of lr (the first iteration uses min(1, 1/|g|_1) lr, as PyTorch). */
        NONE,
        /** Backtracking from lr, halving until the Armijo sufficient-decrease condition holds. */
        BACKTRACKING_ARMIJO,
        /** PyTorch's strong-Wolfe search ({@code line_search_fn="strong_wolfe"}), with cubic interpolation. */
        STRONG_WOLFE
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
    // The flat vectors (one element per parameter element, in parameter order) are tensors owned by this optimizer,
    // outside any scope, on the parameters' device; close() frees them.
    private final Deque<Tensor> oldSteps = new ArrayDeque<>();   // s_k = x_{k+1} - x_k
    private final Deque<Tensor> oldDiffs = new ArrayDeque<>();   // y_k = g_{k+1} - g_k
    private Tensor direction;
    private Tensor previousGrad;
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
        double loss = evaluate(closure);
        double originalLoss = loss;
        if (numel() == 0) {
            return (float) originalLoss;
        }
        Tensor g = flatGrad();
        try {
            int evals = 1;
            if (maxAbs(g) <= options.toleranceGrad()) {
                return (float) originalLoss;
            }
            int n = 0;
            while (n < options.maxIter()) {
                n++;
                iterations++;
                Tensor grad = g;
                if (iterations == 1) {
                    setDirection(owned(() -> F.mul(grad, -1f)));
                    clearHistory();
                    hessianDiag = 1;
                } else {
                    Tensor y = owned(() -> F.sub(grad, previousGrad));
                    double length = stepLength;
                    Tensor s = owned(() -> F.mul(direction, (float) length));
                    double ys = dot(y, s);
                    if (ys > 1e-10) {
                        if (oldSteps.size() == options.historySize()) {
                            oldSteps.removeFirst().close();
                            oldDiffs.removeFirst().close();
                        }
                        oldSteps.addLast(s);
                        oldDiffs.addLast(y);
                        hessianDiag = ys / dot(y, y);
                    } else {
                        s.close();
                        y.close();
                    }
                    setDirection(twoLoop(g));
                }
                if (previousGrad != g) {
                    closeIfPresent(previousGrad);
                    previousGrad = g;
                }
                previousLoss = loss;
                stepLength = iterations == 1 ? Math.min(1, 1 / sumAbs(g)) * lr : lr;
                double gtd = dot(g, direction);
                if (gtd > -options.toleranceChange()) {
                    break; // not a descent direction any more
                }
                if (options.lineSearch() == LineSearch.STRONG_WOLFE) {
                    try (Tensor x0 = flatParams()) {
                        // PyTorch's budget: the search may use the evaluations this step has left
                        LineSearchResult found = strongWolfe(closure, x0, stepLength, direction, loss, g, gtd,
                                options.maxEval() - evals);
                        loss = found.loss();
                        g = found.grad();
                        stepLength = found.t();
                        evals += found.evaluations();
                        writeParams(x0, stepLength, direction);
                    }
                } else if (options.lineSearch() == LineSearch.BACKTRACKING_ARMIJO) {
                    Tensor x0 = flatParams();
                    try {
                        Tensor gNew = null;
                        double fNew = Double.NaN;
                        boolean accepted = false;
                        for (int k = 0; k <= MAX_HALVINGS; k++) {
                            writeParams(x0, stepLength, direction);
                            closeIfPresent(gNew);
                            gNew = null;
                            fNew = evaluate(closure);
                            gNew = flatGrad();
                            evals++;
                            if (fNew <= loss + ARMIJO_C1 * stepLength * gtd) {
                                accepted = true;
                                break;
                            }
                            stepLength *= 0.5;
                        }
                        if (!accepted) {
                            closeIfPresent(gNew);
                            writeParams(x0, 0, null);
                            break;
                        }
                        loss = fNew;
                        g = gNew;
                    } finally {
                        x0.close();
                    }
                } else {
                    try (Tensor x = flatParams()) {
                        writeParams(x, stepLength, direction);
                    }
                    if (n != options.maxIter()) {
                        loss = evaluate(closure);
                        g = flatGrad();
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
        } finally {
            if (g != previousGrad) {
                g.close();
            }
        }
    }

    /** H g by the two-loop recursion, negated: the search direction. */
    private Tensor twoLoop(Tensor g) {
        return owned(() -> {
            int m = oldSteps.size();
            Tensor[] s = oldSteps.toArray(new Tensor[0]);
            Tensor[] y = oldDiffs.toArray(new Tensor[0]);
            double[] rho = new double[m];
            double[] alpha = new double[m];
            Tensor q = F.mul(g, -1f);
            for (int i = m - 1; i >= 0; i--) {
                rho[i] = 1 / dot(y[i], s[i]);
                alpha[i] = rho[i] * dot(s[i], q);
                q = F.add(F.mul(y[i], (float) -alpha[i]), q);
            }
            Tensor r = F.mul(q, (float) hessianDiag);
            for (int i = 0; i < m; i++) {
                double beta = rho[i] * dot(y[i], r);
                r = F.add(F.mul(s[i], (float) (alpha[i] - beta)), r);
            }
            return r;
        });
    }

    /** Runs the closure with recording on (even inside a no-grad region) and returns the loss (a scalar, read). */
    private static double evaluate(Supplier<Tensor> closure) {
        try (Autograd.EnableGrad on = Autograd.enableGrad(); Scope scope = Scope.open()) {
            return closure.get().item();
        }
    }

    // ---- the strong-Wolfe line search, after PyTorch's _strong_wolfe (itself after minFunc / torch7's lswolfe) ----

    private static final double WOLFE_C1 = 1e-4;
    private static final double WOLFE_C2 = 0.9;

    /** The accepted point: its loss, its flat gradient (owned by the caller unless it is the one passed in), t. */
    private record LineSearchResult(double loss, Tensor grad, double t, int evaluations) {
    }

    /** The loss and flat gradient at {@code x + t d}; the parameters go back to {@code x} afterwards. */
    private record Point(double loss, Tensor grad) {
    }

    private Point directionalEvaluate(Supplier<Tensor> closure, Tensor x, double t, Tensor d) {
        writeParams(x, t, d);
        double loss = evaluate(closure);
        Tensor grad = flatGrad();
        writeParams(x, 0, null);
        return new Point(loss, grad);
    }

    /**
     * Finds a step t along {@code d} from {@code x} (loss {@code f}, gradient {@code g}, slope {@code gtd}) satisfying
     * the strong Wolfe conditions: first brackets one, then zooms in by cubic interpolation, with at most
     * {@code maxLineSearch} evaluations after the first (PyTorch's {@code max_ls}). Only scalars (losses,
     * slopes g.d, max|d|) are read on the host, where the search branches on them. Every gradient it evaluates but
     * does not return is freed before it returns; {@code g} stays the caller's.
     */
    private LineSearchResult strongWolfe(Supplier<Tensor> closure, Tensor x, double t, Tensor d, double f, Tensor g,
                                         double gtd, int maxLineSearch) {
        List<Tensor> made = new ArrayList<>();
        Tensor result = null;
        try {
            double dNorm = maxAbs(d);
            Point p = directionalEvaluate(closure, x, t, d);
            made.add(p.grad());
            double fNew = p.loss();
            Tensor gNew = p.grad();
            int evals = 1;
            double gtdNew = dot(gNew, d);
            double tPrev = 0, fPrev = f, gtdPrev = gtd;
            Tensor gPrev = g;
            boolean done = false;
            int lsIter = 0;
            double[] bracket = null, bracketF = null, bracketGtd = null;
            Tensor[] bracketG = null;
            while (lsIter < maxLineSearch) {
                if (fNew > f + WOLFE_C1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
                    bracket = new double[] {tPrev, t};
                    bracketF = new double[] {fPrev, fNew};
                    bracketG = new Tensor[] {gPrev, gNew};
                    bracketGtd = new double[] {gtdPrev, gtdNew};
                    break;
                }
                if (Math.abs(gtdNew) <= -WOLFE_C2 * gtd) {
                    bracket = new double[] {t};
                    bracketF = new double[] {fNew};
                    bracketG = new Tensor[] {gNew};
                    done = true;
                    break;
                }
                if (gtdNew >= 0) {
                    bracket = new double[] {tPrev, t};
                    bracketF = new double[] {fPrev, fNew};
                    bracketG = new Tensor[] {gPrev, gNew};
                    bracketGtd = new double[] {gtdPrev, gtdNew};
                    break;
                }
                // Extrapolate: a cubic step between 1.01 t - 0.01 t_prev and 10 t.
                double minStep = t + 0.01 * (t - tPrev);
                double maxStep = t * 10;
                double previousT = t;
                t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
                tPrev = previousT;
                fPrev = fNew;
                gPrev = gNew;
                gtdPrev = gtdNew;
                p = directionalEvaluate(closure, x, t, d);
                made.add(p.grad());
                fNew = p.loss();
                gNew = p.grad();
                evals++;
                gtdNew = dot(gNew, d);
                lsIter++;
            }
            if (lsIter == maxLineSearch) {
                bracket = new double[] {0, t};
                bracketF = new double[] {f, fNew};
                bracketG = new Tensor[] {g, gNew};
            }
            // Zoom: shrink the bracket until a point satisfies the conditions (or the bracket is too small).
            boolean insufficientProgress = false;
            int low = bracketF[0] <= bracketF[bracketF.length - 1] ? 0 : 1;
            int high = 1 - low;
            while (!done && lsIter < maxLineSearch) {
                if (Math.abs(bracket[1] - bracket[0]) * dNorm < options.toleranceChange()) {
                    break;
                }
                t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1],
                        Math.min(bracket[0], bracket[1]), Math.max(bracket[0], bracket[1]));
                double top = Math.max(bracket[0], bracket[1]);
                double bottom = Math.min(bracket[0], bracket[1]);
                double eps = 0.1 * (top - bottom);
                if (Math.min(top - t, t - bottom) < eps) {
                    // Too close to an end: if that happened before, or t is on the boundary, move 10% inside.
                    if (insufficientProgress || t >= top || t <= bottom) {
                        t = Math.abs(t - top) < Math.abs(t - bottom) ? top - eps : bottom + eps;
                        insufficientProgress = false;
                    } else {
                        insufficientProgress = true;
                    }
                } else {
                    insufficientProgress = false;
                }
                p = directionalEvaluate(closure, x, t, d);
                made.add(p.grad());
                fNew = p.loss();
                gNew = p.grad();
                evals++;
                gtdNew = dot(gNew, d);
                lsIter++;
                if (fNew > f + WOLFE_C1 * t * gtd || fNew >= bracketF[low]) {
                    // Not enough decrease, or not below the lowest point: the new point is the high end.
                    bracket[high] = t;
                    bracketF[high] = fNew;
                    bracketG[high] = gNew;
                    bracketGtd[high] = gtdNew;
                    low = bracketF[0] <= bracketF[1] ? 0 : 1;
                    high = 1 - low;
                } else {
                    if (Math.abs(gtdNew) <= -WOLFE_C2 * gtd) {
                        done = true;
                    } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
                        // The old low end becomes the high end.
                        bracket[high] = bracket[low];
                        bracketF[high] = bracketF[low];
                        bracketG[high] = bracketG[low];
                        bracketGtd[high] = bracketGtd[low];
                    }
                    bracket[low] = t;
                    bracketF[low] = fNew;
                    bracketG[low] = gNew;
                    bracketGtd[low] = gtdNew;
                }
            }
            result = bracketG[low];
            return new LineSearchResult(bracketF[low], result, bracket[low], evals);
        } finally {
            for (Tensor t2 : made) {
                if (t2 != result) {
                    t2.close();
                }
            }
        }
    }

    /**
     * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to [lower, upper]; the
     * middle of the bounds when the cubic has no real minimiser (PyTorch's {@code _cubic_interpolate}).
     */
    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lower,
                                   double upper) {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0) {
            double d2 = Math.sqrt(d2Square);
            double minPos = x1 <= x2
                    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.min(Math.max(minPos, lower), upper);
        }
        return (lower + upper) / 2;
    }

    /**
     * The parameters' gradients as one flat vector, owned by the caller: zeros for a parameter without one and for a
     * frozen one, so a frozen parameter's direction, and with it its step, stays 0.
     */
    private Tensor flatGrad() {
        return owned(() -> flat(p -> p.grad() == null || !p.requiresGrad() ? Tensor.zeros(p.device(), p.numel())
                : p.grad().reshape(-1)));
    }

    /** The parameters' values as one flat vector, owned by the caller. */
    private Tensor flatParams() {
        return owned(() -> flat(p -> p.reshape(-1)));
    }

    /** The parameters' flat views ({@code part}) one after another, as a new tensor (called in a scope). */
    private Tensor flat(Function<Tensor, Tensor> part) {
        List<Tensor> parts = new ArrayList<>();
        for (Tensor p : params()) {
            if (p.numel() > 0) {
                parts.add(part.apply(p));
            }
        }
        // Multiplying by 1 copies exactly: the vector is new memory, not a view of a parameter or its gradient.
        return parts.size() == 1 ? F.mul(parts.getFirst(), 1f) : F.concat(0, parts);
    }

    /** Writes {@code x + t d} (just {@code x} when {@code d} is null) into the parameters' own memory. */
    private void writeParams(Tensor x, double t, Tensor d) {
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor target = d == null ? x : F.add(F.mul(d, (float) t), x);
            List<Tensor> present = new ArrayList<>();
            for (Tensor p : params()) {
                if (p.numel() > 0) {
                    present.add(p);
                }
            }
            List<Tensor> parts = present.size() == 1 ? List.of(target)
                    : Functional.split(target, 0, present.stream().mapToLong(Tensor::numel).toArray());
            for (int i = 0; i < parts.size(); i++) {
                Tensor p = present.get(i);
                Functional.copyInto(p, parts.get(i).reshape(p.dims()));
            }
        }
    }

    private long numel() {
        long total = 0;
        for (Tensor p : params()) {
            total += p.numel();
        }
        return total;
    }

    /**
     * Runs {@code body} without recording and in a scope of its own (freeing its temporaries); its result belongs
     * to this optimizer, outside any scope of the caller's.
     */
    private static Tensor owned(Supplier<Tensor> body) {
        return Scope.untracked(() -> {
            try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
                return scope.keep(body.get());
            }
        });
    }

    /** Reads one scalar computed on the device: the vector math stays there, only its results reach the host. */
    private static double scalar(Supplier<Tensor> body) {
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            return body.get().item();
        }
    }

    private static double dot(Tensor a, Tensor b) {
        return scalar(() -> F.sum(F.mul(a, b), false));
    }

    private static double maxAbs(Tensor x) {
        return scalar(() -> F.max(abs(x), false));
    }

    private static double sumAbs(Tensor x) {
        return scalar(() -> F.sum(abs(x), false));
    }

    private static Tensor abs(Tensor x) {
        return F.maximum(x, F.mul(x, -1f));
    }

    private void setDirection(Tensor value) {
        closeIfPresent(direction);
        direction = value;
    }

    private void clearHistory() {
        oldSteps.forEach(Tensor::close);
        oldDiffs.forEach(Tensor::close);
        oldSteps.clear();
        oldDiffs.clear();
    }

    private static void closeIfPresent(Tensor t) {
        if (t != null) {
            t.close();
        }
    }

    /** Frees the direction, the previous gradient and the history, then the per-parameter state. */
    @Override
    public synchronized void close() {
        clearHistory();
        setDirection(null);
        closeIfPresent(previousGrad);
        previousGrad = null;
        super.close();
    }

    // ---- state dict: the history as flat tensors, copied both ways (a resumed run continues as the original) ----

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
            tensors.put("lbfgs.direction", copyOf(direction));
            tensors.put("lbfgs.previous_grad", copyOf(previousGrad));
        }
        Iterator<Tensor> s = oldSteps.iterator();
        Iterator<Tensor> y = oldDiffs.iterator();
        for (int k = 0; s.hasNext(); k++) {
            tensors.put("lbfgs.s." + k, copyOf(s.next()));
            tensors.put("lbfgs.y." + k, copyOf(y.next()));
        }
    }

    @Override
    protected void loadExtraState(StateDict dict) {
        boolean started = dict.tensors().containsKey("lbfgs.direction");
        int history = (int) dict.value(name(), "lbfgs.history");
        // Every vector is checked and copied before any state is replaced; a bad dict leaves nothing behind.
        List<Tensor> loaded = new ArrayList<>();
        try {
            if (started) {
                loaded.add(vectorOf(dict, "lbfgs.direction"));
                loaded.add(vectorOf(dict, "lbfgs.previous_grad"));
            }
            for (int k = 0; k < history; k++) {
                loaded.add(vectorOf(dict, "lbfgs.s." + k));
                loaded.add(vectorOf(dict, "lbfgs.y." + k));
            }
        } catch (RuntimeException e) {
            loaded.forEach(Tensor::close);
            throw e;
        }
        iterations = (long) dict.value(name(), "lbfgs.iterations");
        evaluations = (long) dict.value(name(), "lbfgs.evaluations");
        stepLength = dict.value(name(), "lbfgs.step_length");
        hessianDiag = dict.value(name(), "lbfgs.hessian_diag");
        previousLoss = dict.value(name(), "lbfgs.previous_loss");
        clearHistory();
        setDirection(started ? loaded.get(0) : null);
        closeIfPresent(previousGrad);
        previousGrad = started ? loaded.get(1) : null;
        for (int i = started ? 2 : 0; i < loaded.size(); i += 2) {
            oldSteps.addLast(loaded.get(i));
            oldDiffs.addLast(loaded.get(i + 1));
        }
    }

    /** A copy of a flat vector for a state dict (which owns and closes it). */
    private static Tensor copyOf(Tensor x) {
        return owned(() -> F.mul(x, 1f));
    }

    /** A flat copy of the dict's vector {@code key}, which must have one element per parameter element. */
    private Tensor vectorOf(StateDict dict, String key) {
        Tensor t = dict.tensor(name(), key);
        if (t.numel() != numel()) {
            throw new IllegalArgumentException("lbfgs: state vector " + key + " of " + t.numel() + " values for "
                    + numel() + " parameters");
        }
        return owned(() -> F.mul(t.reshape(-1), 1f));
    }
}
