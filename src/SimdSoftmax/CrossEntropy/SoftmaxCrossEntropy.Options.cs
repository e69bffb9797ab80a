using System.Runtime.Intrinsics;

namespace SimdSoftmax;

public static partial class SoftmaxCrossEntropy
{
    /// <summary>
    /// Cross-entropy with <see cref="CrossEntropyOptions"/> (reduction, ignore index, label smoothing, z-loss, class
    /// weights) and optional per-row outputs, on integer labels. The formulas are in <see cref="CrossEntropyOptions"/>.
    /// </summary>
    /// <param name="logits">N×C scores, row-major, back to back: N = logits.Length / cols.</param>
    /// <param name="labels">The true class of each row, in [0, C), or equal to <see cref="CrossEntropyOptions.IgnoreIndex"/>; exactly N long.</param>
    /// <param name="cols">C, the number of classes (row length); at least 1 when there are rows.</param>
    /// <param name="options">The options; <c>default</c> computes what <see cref="Loss(ReadOnlySpan{float}, ReadOnlySpan{int}, int, KernelPath)"/> does, bit for bit.
    /// <see cref="CrossEntropyOptions.ClassWeights"/> is empty (every weight 1) or C finite weights ≥ 0 (PyTorch's <c>weight</c>).</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax; each N long or empty; none may overlap an input or another output.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one. Which option combinations have SIMD kernels: see <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, int, CrossEntropyOptions, CrossEntropyRowOutputs, KernelPath)"/>.</param>
    /// <returns>The reduced loss (the sum for <see cref="CrossEntropyReduction.None"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative (or 0 with rows), a label is outside [0, C) and not the ignore index, an option is out of range, or a class weight is negative or not finite.</exception>
    /// <exception cref="ArgumentException">A length does not fit, an output overlaps another buffer, or <see cref="CrossEntropyReduction.None"/> without <see cref="CrossEntropyRowOutputs.Losses"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int cols, CrossEntropyOptions options,
        CrossEntropyRowOutputs rowOutputs = default, KernelPath path = KernelPath.Auto)
    {
        ReadOnlySpan<float> classWeights = options.ClassWeights.Span;
        int rows = ValidateOptions(logits, labels, default, soft: false, cols, options, classWeights, default, gradient: false, rowOutputs);
        return Dispatch(KernelPaths.Resolve(path), logits, labels, default, soft: false, rows, cols, options, classWeights, default, rowOutputs);
    }

    /// <summary>
    /// Cross-entropy with options and per-row outputs on integer labels, and its gradient with respect
    /// to the logits (<c>∂L/∂s</c>, formulas in <see cref="CrossEntropyOptions"/>; an ignored row's gradient is 0).
    /// </summary>
    /// <param name="logits">N×C scores, row-major, back to back: N = logits.Length / cols.</param>
    /// <param name="labels">The true class of each row, in [0, C), or equal to <see cref="CrossEntropyOptions.IgnoreIndex"/>; exactly N long.</param>
    /// <param name="dLogits">Output N×C gradient. May be <paramref name="logits"/> itself (in place); must not otherwise overlap it, nor overlap any other argument.</param>
    /// <param name="cols">C, the number of classes (row length); at least 1 when there are rows.</param>
    /// <param name="options">The options; <c>default</c> computes what <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, int, KernelPath)"/> does, bit for bit.
    /// <see cref="CrossEntropyOptions.ClassWeights"/> is empty (every weight 1) or C finite weights ≥ 0.</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax; each N long or empty; none may overlap an input or another output.</param>
    /// <param name="path">
    /// Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one. On <see cref="KernelPath.Avx2"/> and
    /// <see cref="KernelPath.Avx512"/> every option combination runs SIMD kernels: reductions, ignore index and class
    /// weights alone on the plain fused row kernels; label smoothing, z-loss, the log-sum-exp and argmax outputs and
    /// soft targets on a fused per-row options kernel (one pass for max, one for exp and the option sums, one for the gradient).
    /// </param>
    /// <returns>The reduced loss (the sum for <see cref="CrossEntropyReduction.None"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative (or 0 with rows), a label is outside [0, C) and not the ignore index, an option is out of range, or a class weight is negative or not finite.</exception>
    /// <exception cref="ArgumentException">A length does not fit, an output overlaps another buffer, or <see cref="CrossEntropyReduction.None"/> without <see cref="CrossEntropyRowOutputs.Losses"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> dLogits, int cols,
        CrossEntropyOptions options, CrossEntropyRowOutputs rowOutputs = default, KernelPath path = KernelPath.Auto)
    {
        ReadOnlySpan<float> classWeights = options.ClassWeights.Span;
        int rows = ValidateOptions(logits, labels, default, soft: false, cols, options, classWeights, dLogits, gradient: true, rowOutputs);
        return Dispatch(KernelPaths.Resolve(path), logits, labels, default, soft: false, rows, cols, options, classWeights, dLogits, rowOutputs);
    }

    /// <summary>
    /// Cross-entropy against soft (probability) targets, N×C, with options and per-row outputs
    /// (PyTorch's <c>cross_entropy</c> with a float target; rows need not sum to 1; formulas in <see cref="CrossEntropyOptions"/>).
    /// <see cref="CrossEntropyOptions.IgnoreIndex"/> does not apply; the mean divides by N.
    /// </summary>
    /// <param name="logits">N×C scores, row-major, back to back: N = logits.Length / cols (0 when cols = 0).</param>
    /// <param name="targets">N×C finite target weights, row-major.</param>
    /// <param name="cols">C, the number of classes (row length).</param>
    /// <param name="options">The options (with <see cref="CrossEntropyOptions.ClassWeights"/> empty or C finite weights ≥ 0).</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax; each N long or empty.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <returns>The reduced loss (the sum for <see cref="CrossEntropyReduction.None"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative, an option is out of range, or a class weight is negative or not finite.</exception>
    /// <exception cref="ArgumentException">A length does not fit (logits not a whole number of rows, targets not the shape of logits), a target is not finite, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int cols, CrossEntropyOptions options,
        CrossEntropyRowOutputs rowOutputs = default, KernelPath path = KernelPath.Auto)
    {
        ReadOnlySpan<float> classWeights = options.ClassWeights.Span;
        int rows = ValidateOptions(logits, default, targets, soft: true, cols, options, classWeights, default, gradient: false, rowOutputs);
        return Dispatch(KernelPaths.Resolve(path), logits, default, targets, soft: true, rows, cols, options, classWeights, default, rowOutputs);
    }

    /// <summary>Cross-entropy against soft targets (see <see cref="Loss(ReadOnlySpan{float}, ReadOnlySpan{float}, int, CrossEntropyOptions, CrossEntropyRowOutputs, KernelPath)"/>) and its gradient with respect to the logits.</summary>
    /// <param name="logits">N×C scores, row-major, back to back: N = logits.Length / cols (0 when cols = 0).</param>
    /// <param name="targets">N×C finite target weights, row-major.</param>
    /// <param name="dLogits">Output N×C gradient. May be <paramref name="logits"/> itself; must not otherwise overlap it, nor overlap any other argument.</param>
    /// <param name="cols">C, the number of classes (row length).</param>
    /// <param name="options">The options (with <see cref="CrossEntropyOptions.ClassWeights"/> empty or C finite weights ≥ 0).</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax; each N long or empty.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <returns>The reduced loss (the sum for <see cref="CrossEntropyReduction.None"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative, an option is out of range, or a class weight is negative or not finite.</exception>
    /// <exception cref="ArgumentException">A length does not fit, a target is not finite, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> dLogits, int cols,
        CrossEntropyOptions options, CrossEntropyRowOutputs rowOutputs = default, KernelPath path = KernelPath.Auto)
    {
        ReadOnlySpan<float> classWeights = options.ClassWeights.Span;
        int rows = ValidateOptions(logits, default, targets, soft: true, cols, options, classWeights, dLogits, gradient: true, rowOutputs);
        return Dispatch(KernelPaths.Resolve(path), logits, default, targets, soft: true, rows, cols, options, classWeights, dLogits, rowOutputs);
    }

    /// <summary>
    /// Whether a SIMD path runs these options on the plain fused row kernels (true: ε = λ = 0, integer labels, no
    /// lse/argmax output) or on <see cref="CrossEntropyOptionsRow{T, V}"/> (false).
    /// </summary>
    internal static bool RunsOnPlainKernels(in CrossEntropyOptions options, bool soft, CrossEntropyRowOutputs rowOutputs) =>
        !soft && options.LabelSmoothing == 0f && options.ZLoss == 0f && rowOutputs.LogSumExp.IsEmpty && rowOutputs.Argmax.IsEmpty;

    /// <summary>Runs validated option arguments on a resolved path; <paramref name="dLogits"/> empty = no gradient.</summary>
    internal static float Dispatch(KernelPath path, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets,
        bool soft, int n, int classes, in CrossEntropyOptions options, ReadOnlySpan<float> classWeights, Span<float> dLogits,
        CrossEntropyRowOutputs rowOutputs)
    {
        bool gradient = !dLogits.IsEmpty;
        if (!soft && options.IsDefault && classWeights.IsEmpty && !rowOutputs.Any)
        {
            // Today's computation, through the plain entry points: bit for bit what they return.
            return gradient ? LossAndGradient(logits, labels, dLogits, classes, path) : Loss(logits, labels, classes, path);
        }
        if (path == KernelPath.Scalar)
            return SoftmaxCrossEntropyScalar.RunOptions(logits, labels, targets, soft, n, classes, options, classWeights, dLogits, rowOutputs);
        bool perRowWork = !classWeights.IsEmpty || options.IgnoreIndex is not null || !rowOutputs.Losses.IsEmpty;
        if (!RunsOnPlainKernels(options, soft, rowOutputs) || perRowWork && classes <= OptionsShortRowMaxClasses(path))
            return SimdOptionRows(path, logits, labels, targets, soft, n, classes, options, classWeights, dLogits, rowOutputs);
        return SimdOptions(path, logits, labels, n, classes, options, classWeights, dLogits, rowOutputs.Losses);
    }

    /// <summary>
    /// Rows up to which ignored rows and class weights also take the options kernels (their short-row tile applies
    /// w[y_i] and the ignore index as a per-lane scale and mask), rather than <see cref="CompactCountedRows"/>.
    /// </summary>
    private static int OptionsShortRowMaxClasses(KernelPath path) => path == KernelPath.Avx512
        ? CrossEntropyOptionsShortRows<Avx512Isa, Vector512<float>>.MaxClasses
        : CrossEntropyOptionsShortRows<Avx2Isa, Vector256<float>>.MaxClasses;

    /// <summary>
    /// Label smoothing, z-loss, lse/argmax outputs and soft targets (with any reduction, ignore index and class
    /// weights): <see cref="CrossEntropyOptionsRow{T, V}"/> on every row.
    /// </summary>
    private static unsafe float SimdOptionRows(KernelPath path, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets,
        bool soft, int n, int classes, in CrossEntropyOptions options, ReadOnlySpan<float> classWeights, Span<float> dLogits,
        CrossEntropyRowOutputs rowOutputs)
    {
        if (n == 0) return 0f;
        var plan = OptionPlan.Create(labels, soft, n, classes, options, classWeights);
        double ce, z;
        fixed (float* s = logits)
        fixed (int* y = labels)
        fixed (float* t = targets)
        fixed (float* w = classWeights)
        fixed (float* g = dLogits)
        fixed (float* losses = rowOutputs.Losses)
        fixed (float* lse = rowOutputs.LogSumExp)
        fixed (int* argmax = rowOutputs.Argmax)
        {
            var k = new OptionRowConstants(plan, classWeights.IsEmpty ? null : w);
            int* yy = soft ? null : y;
            float* tt = soft ? t : null;
            ce = path == KernelPath.Avx512
                ? CrossEntropyOptionsRow<Avx512Isa, Vector512<float>>.Run(s, yy, tt, n, classes, g, losses, lse, argmax, k, out z)
                : CrossEntropyOptionsRow<Avx2Isa, Vector256<float>>.Run(s, yy, tt, n, classes, g, losses, lse, argmax, k, out z);
        }
        return (float)plan.Reduce(ce, z);
    }

    /// <summary>
    /// Reductions, ignore index, class weights and per-row losses on the fused SIMD kernels: runs of counted rows go
    /// through <see cref="Rows"/> with the reduction's scale (rows of up to <see cref="CompactMaxClasses"/> with ignored
    /// rows or class weights through <see cref="CompactCountedRows"/>); otherwise with class weights or per-row losses each row is its own
    /// call with scale <c>w[y_i]·(1/divisor)</c> and its loss is multiplied by <c>w[y_i]</c> (the nll term of the formula,
    /// ε = λ = 0). Ignored rows get a zero gradient row.
    /// </summary>
    private static unsafe float SimdOptions(KernelPath path, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int classes,
        in CrossEntropyOptions options, ReadOnlySpan<float> classWeights, Span<float> dLogits, Span<float> losses)
    {
        if (n == 0) return 0f;
        var plan = OptionPlan.Create(labels, soft: false, n, classes, options, classWeights);
        bool gradient = !dLogits.IsEmpty;
        bool perRow = !classWeights.IsEmpty || !losses.IsEmpty;
        double total = 0;
        fixed (float* s = logits)
        fixed (int* y = labels)
        fixed (float* g = dLogits)
        {
            if (losses.IsEmpty && classes <= CompactMaxClasses && (!classWeights.IsEmpty || plan.CeDivisor != n))
                return (float)plan.Reduce(CompactCountedRows(path, s, y, n, classes, plan, classWeights, gradient ? g : null), 0);
            int i = 0;
            while (i < n)
            {
                if (plan.Ignored(y[i]))
                {
                    if (gradient) ZeroRow(g + (nint)i * classes, classes);
                    TouchRow(s + (nint)i * classes, classes);
                    if (!losses.IsEmpty) losses[i] = 0f;
                    i++;
                    continue;
                }
                int end = i + 1;
                if (!perRow) while (end < n && !plan.Ignored(y[end])) end++;
                double w = classWeights.IsEmpty ? 1.0 : classWeights[y[i]];
                float scale = (float)(plan.CeScale * w);
                float* gi = gradient ? g + (nint)i * classes : null;
                double rows = Rows(path, s + (nint)i * classes, y + i, end - i, classes, classes, gi, classes, scale);
                if (gradient && plan.CeScale == 0) dLogits.Slice(i * classes, (end - i) * classes).Clear();
                double loss = perRow ? w * rows : rows;
                if (!losses.IsEmpty) losses[i] = (float)loss;
                total += loss;
                i = end;
            }
        }
        return (float)plan.Reduce(total, 0);
    }

    /// <summary>
    /// Rows up to which ignored rows and class weights go through <see cref="CompactCountedRows"/>; in practice the rows
    /// above <see cref="OptionsShortRowMaxClasses"/> (33..64 on Avx512, 17..64 on Avx2): shorter ones take the options tile.
    /// </summary>
    private const int CompactMaxClasses = 64;

    /// <summary>
    /// Counted rows gathered per kernel call when compacting. Measured at C = 10, every 10th row ignored, Avx512:
    /// 64-row blocks 2.7× the plain time, 409-row blocks (16 KB) 9× — as slow as the runs between ignored rows.
    /// </summary>
    private const int CompactRows = 64;

    /// <summary>
    /// Ignored rows or class weights among short rows: the kernels take rows 8 or 16 at a time and a call costs hundreds
    /// of nanoseconds, so calling them on the runs between ignored rows (every 10th row ignored at C = 10: 9.6× the plain
    /// time) or row by row for weights wastes them. Instead the counted rows are gathered, <see cref="CompactRows"/> at a
    /// time, into a stack block with their labels — with weights sorted by label (a counting sort), so that each label's
    /// rows are one call with scale <c>w_k/divisor</c> and loss <c>w_k·Σ rows</c> — the kernel runs on the block in
    /// place and the gradient rows are scattered back; ignored rows get zeros. In place (g = s) is safe: a block's rows
    /// are read before any of them is written, and only they are written.
    /// </summary>
    private static unsafe double CompactCountedRows(KernelPath path, float* s, int* y, int n, int classes, in OptionPlan plan,
        ReadOnlySpan<float> weights, float* g)
    {
        float* block = stackalloc float[CompactRows * classes];
        int* rows = stackalloc int[CompactRows];
        int* sortedRows = stackalloc int[CompactRows];
        int* sortedLabels = stackalloc int[CompactRows];
        int* start = stackalloc int[CompactMaxClasses + 1];
        bool weighted = !weights.IsEmpty;
        double total = 0;
        int m = 0;
        for (int i = 0; i <= n; i++)
        {
            if (i < n)
            {
                if (plan.Ignored(y[i]))
                {
                    if (g != null) ZeroRow(g + (nint)i * classes, classes);
                    continue;
                }
                rows[m++] = i;
                if (m < CompactRows) continue;
            }
            if (m == 0) continue;
            if (weighted)
            {
                new Span<int>(start, classes + 1).Clear();
                for (int r = 0; r < m; r++) start[y[rows[r]] + 1]++;
                for (int k = 0; k < classes; k++) start[k + 1] += start[k];
                for (int r = 0; r < m; r++) sortedRows[start[y[rows[r]]]++] = rows[r]; // start[k] ends as the end of label k
            }
            else new Span<int>(rows, m).CopyTo(new Span<int>(sortedRows, m));
            for (int r = 0; r < m; r++)
            {
                sortedLabels[r] = y[sortedRows[r]];
                new ReadOnlySpan<float>(s + (nint)sortedRows[r] * classes, classes).CopyTo(new Span<float>(block + r * classes, classes));
            }
            for (int a = 0; a < m;)
            {
                int b = weighted ? a + 1 : m;
                while (b < m && sortedLabels[b] == sortedLabels[a]) b++;
                double w = weighted ? weights[sortedLabels[a]] : 1.0;
                float* gb = g == null ? null : block + a * classes;
                double sum = Rows(path, block + a * classes, sortedLabels + a, b - a, classes, classes, gb, classes, (float)(plan.CeScale * w));
                total += weighted ? w * sum : sum;
                a = b;
            }
            if (g != null)
                for (int r = 0; r < m; r++)
                {
                    var dst = new Span<float>(g + (nint)sortedRows[r] * classes, classes);
                    if (plan.CeScale == 0) dst.Clear(); // a zero mean divisor: a zero gradient, as the reference
                    else new ReadOnlySpan<float>(block + r * classes, classes).CopyTo(dst);
                }
            m = 0;
        }
        return total;
    }

    /// <summary>
    /// An ignored row's zero gradient, by plain vector stores: Span.Clear on rows of 1000 between kernel rows measured
    /// 1.3–1.4× the plain call's time on 40 MB batches with every 10th row ignored (Zen 4).
    /// </summary>
    internal static unsafe void ZeroRow(float* g, int c)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; j <= c - Vector256<float>.Count; j += Vector256<float>.Count) Vector256<float>.Zero.Store(g + j);
        for (; j < c; j++) g[j] = 0f;
    }

    /// <summary>Prefetches an ignored row's logits: see <see cref="ZeroRow"/>.</summary>
    internal static unsafe void TouchRow(float* s, int c)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        for (int j = 0; j < c; j += 16) System.Runtime.Intrinsics.X86.Sse.Prefetch0(s + j);
    }

    /// <summary>Every check of the option overloads, before anything is written.</summary>
    /// <returns>The number of rows, N = logits.Length / cols.</returns>
    internal static int ValidateOptions(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, bool soft,
        int classes, in CrossEntropyOptions options, ReadOnlySpan<float> classWeights, Span<float> dLogits, bool gradient,
        CrossEntropyRowOutputs rowOutputs)
    {
        const string logitsName = "logits", labelsName = "labels", dLogitsName = "dLogits";
        options.Validate(nameof(options));
        int n = RowCount(logits, classes, logitsName, soft ? 0 : labels.Length);
        int nc = n * classes;
        if (soft)
        {
            Require.Length(targets.Length, nc, nameof(targets));
            for (int k = FirstOutside(targets, float.MinValue); k < targets.Length; k++)
                if (!float.IsFinite(targets[k]))
                    throw new ArgumentException($"targets[{k}] = {targets[k]} is not finite.", nameof(targets));
        }
        else Require.Length(labels.Length, n, labelsName);
        ValidateWeights(classWeights, classes);
        ValidateRowOutputs(rowOutputs, n, options);
        if (gradient)
        {
            Require.Length(dLogits.Length, nc, dLogitsName);
            Require.SameOrNoOverlap(logits, dLogits, logitsName, dLogitsName);
            Require.NoOverlap(labels, dLogits, labelsName, dLogitsName); // writing row i would clobber labels not yet read
            Require.NoOverlap(targets, dLogits, nameof(targets), dLogitsName);
            Require.NoOverlap(classWeights, dLogits, ClassWeightsName, dLogitsName);
        }
        RequireOutputApart(rowOutputs.Losses, "rowOutputs.Losses", logits, labels, targets, classWeights, dLogits, logitsName, labelsName, dLogitsName);
        RequireOutputApart(rowOutputs.LogSumExp, "rowOutputs.LogSumExp", logits, labels, targets, classWeights, dLogits, logitsName, labelsName, dLogitsName);
        RequireOutputApart(rowOutputs.Argmax, "rowOutputs.Argmax", logits, labels, targets, classWeights, dLogits, logitsName, labelsName, dLogitsName);
        Require.NoOverlap<float, float>(rowOutputs.Losses, rowOutputs.LogSumExp, "rowOutputs.Losses", "rowOutputs.LogSumExp");
        Require.NoOverlap<float, int>(rowOutputs.Losses, rowOutputs.Argmax, "rowOutputs.Losses", "rowOutputs.Argmax");
        Require.NoOverlap<float, int>(rowOutputs.LogSumExp, rowOutputs.Argmax, "rowOutputs.LogSumExp", "rowOutputs.Argmax");
        // With an ignore index or class weights the mean's divisor needs a pass over the labels anyway: OptionPlan.Create
        // checks them in that pass, before any row is written (two passes measured ≈ 0.11× the plain call at C = 10).
        if (!soft && !OptionPlan.CountsLabels(soft, options, classWeights)) ValidateLabels(labels, classes, options.IgnoreIndex, labelsName);
        return n;
    }

    /// <summary>The parameter name errors about the class weights carry (they live in the options value).</summary>
    internal const string ClassWeightsName = "options.ClassWeights";

    internal static void ValidateWeights(ReadOnlySpan<float> classWeights, int classes, string name = ClassWeightsName)
    {
        if (classWeights.IsEmpty) return;
        Require.Length(classWeights.Length, classes, name);
        for (int j = FirstOutside(classWeights, 0f); j < classWeights.Length; j++)
            if (!float.IsFinite(classWeights[j]) || classWeights[j] < 0)
                throw new ArgumentOutOfRangeException(name, classWeights[j], $"{name}[{j}] must be a finite number ≥ 0.");
    }

    /// <summary>
    /// Where the scalar check of <paramref name="values"/> must start: the start of the first block of eight holding a
    /// value outside [<paramref name="min"/>, float.MaxValue] (NaN included), else the scalar tail. The scalar scan of
    /// an N×C target matrix cost about the plain call's own time (rows of 10 and 1000), and of C weights a few percent of it.
    /// </summary>
    private static int FirstOutside(ReadOnlySpan<float> values, float min)
    {
        int start = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lo = Vector256.Create(min);
            var hi = Vector256.Create(float.MaxValue);
            ref float first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
            for (; start <= values.Length - 8; start += 8)
            {
                var v = Vector256.LoadUnsafe(ref first, (nuint)start);
                // Both compares are false for NaN: a block passes only when every lane is a number in range.
                if ((Vector256.GreaterThanOrEqual(v, lo) & Vector256.LessThanOrEqual(v, hi)).AsUInt32() != Vector256<uint>.AllBitsSet) break; // as bits: all-ones is a NaN as float
            }
        }
        return start;
    }

    internal static void ValidateRowOutputs(CrossEntropyRowOutputs rowOutputs, int n, in CrossEntropyOptions options)
    {
        if (!rowOutputs.Losses.IsEmpty) Require.Length(rowOutputs.Losses.Length, n, "rowOutputs.Losses");
        if (!rowOutputs.LogSumExp.IsEmpty) Require.Length(rowOutputs.LogSumExp.Length, n, "rowOutputs.LogSumExp");
        if (!rowOutputs.Argmax.IsEmpty) Require.Length(rowOutputs.Argmax.Length, n, "rowOutputs.Argmax");
        if (options.Reduction == CrossEntropyReduction.None && rowOutputs.Losses.IsEmpty && n > 0)
            throw new ArgumentException("Reduction None needs rowOutputs.Losses (N floats) for the per-row losses.", "rowOutputs");
    }

    internal static void ValidateLabels(ReadOnlySpan<int> labels, int classes, int? ignoreIndex, string name)
    {
        bool hasIgnore = ignoreIndex.HasValue;
        int ignore = ignoreIndex.GetValueOrDefault();
        int start = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight labels per compare (the scalar scan cost ~5% of the whole call at C = 10); the scalar loop below
            // names the first bad label, from the first block that has one.
            var limit = Vector256.Create((uint)classes);
            var ign = Vector256.Create(hasIgnore ? ignore : -1);
            var ignMask = hasIgnore ? Vector256<uint>.AllBitsSet : Vector256<uint>.Zero;
            ref int first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(labels);
            for (; start <= labels.Length - 8; start += 8)
            {
                var v = Vector256.LoadUnsafe(ref first, (nuint)start);
                var bad = Vector256.GreaterThanOrEqual(v.AsUInt32(), limit) & ~(Vector256.Equals(v, ign).AsUInt32() & ignMask);
                if (bad != Vector256<uint>.Zero) break;
            }
        }
        for (int i = start; i < labels.Length; i++)
        {
            int y = labels[i];
            if ((uint)y >= (uint)classes && !(hasIgnore && y == ignore))
                throw new ArgumentOutOfRangeException(name, y,
                    $"{name}[{i}] = {y} is outside [0, {classes})" + (ignoreIndex is int ii ? $" and is not the ignore index {ii}." : " (no ignore index is set)."));
        }
    }

    private static void RequireOutputApart<T>(Span<T> output, string name, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels,
        ReadOnlySpan<float> targets, ReadOnlySpan<float> classWeights, Span<float> dLogits, string logitsName, string labelsName, string dLogitsName)
    {
        ReadOnlySpan<T> o = output;
        Require.NoOverlap(logits, o, logitsName, name);
        Require.NoOverlap(labels, o, labelsName, name);
        Require.NoOverlap(targets, o, nameof(targets), name);
        Require.NoOverlap(classWeights, o, ClassWeightsName, name);
        Require.NoOverlap((ReadOnlySpan<float>)dLogits, o, dLogitsName, name);
    }
}
