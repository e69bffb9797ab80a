using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: a group of 16 rows lives in zmm registers, which needs AVX-512's 32. The 16×16 transposes are written
/// out inline rather than shared with <see cref="Transpose16x16Avx512"/>: a shared in-register transpose taking and returning the 16 vectors as
/// one struct measured 0.54–0.59× this kernel's speed at C = 10 (Zen 4, 64 KB batches; the JIT kept the struct on the stack).
/// Cross-entropy loss (and gradient) on rows of at most <see cref="MaxClasses"/> logits (the classifier's C = 10),
/// 16 rows per group held in zmm registers, as <see cref="SoftmaxShortRowRegistersAvx512"/>: 16 row loads, a
/// 16×16 transpose (lane r of column vector j is logit (r, j)), row max, s_y, e = exp(s − max), Σ_{j≠y} e_j and e_y,
/// the loss terms and <c>(p − onehot)·scale</c> as vertical operations, the transpose back and 16 k-masked row stores.
/// </summary>
/// <remarks>
/// <para>The 8-row AVX2 kernel this replaces on the AVX-512 path went through a stack tile; this one keeps the
/// group in registers and needs no tile. Specialized per class count (1…16) and per (gradient, full loads) like
/// the softmax kernel, so unused columns are dead code; the one call per group (Math.Log) comes after the stores,
/// because every zmm register is caller-saved and a call with the group live spilled all of it.</para>
/// <para>As in <see cref="CrossEntropyShortRowTileAvx2"/>, the sum over the non-label classes is kept apart from e_y so
/// that p_y − 1 = −others/sum keeps its digits when p_y ≈ 1, and the loss terms are formed in double: the row sums are
/// multiplied lane-wise in double over up to 64 groups before one log per lane, and Σ (s_y − max) is summed in double.</para>
/// <para>Full-width row loads are used only where the 16 floats from each row start end inside the rows (the extra
/// floats land in unused columns); near the end loads are k-masked to the row length and absent rows are skipped.
/// Stores are k-masked to C floats. In place (g == s) is safe: a group is read whole before it is written.</para>
/// </remarks>
internal static unsafe class CrossEntropyShortRowRegistersAvx512
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 16;
    /// <summary>Most classes this kernel takes (one zmm per class).</summary>
    public const int MaxClasses = 16;

    /// <summary>
    /// Rows [0, rows) of <paramref name="c"/> logits, row stride <paramref name="ld"/>: returns Σ row losses; when
    /// <paramref name="g"/> is not null writes <c>(p − onehot)·scale</c> there (row stride <paramref name="ldg"/>; g may be s).
    /// </summary>
    public static double Run(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        c switch
        {
            1 => Run<Count1>(s, labels, rows, ld, g, ldg, scale),
            2 => Run<Count2>(s, labels, rows, ld, g, ldg, scale),
            3 => Run<Count3>(s, labels, rows, ld, g, ldg, scale),
            4 => Run<Count4>(s, labels, rows, ld, g, ldg, scale),
            5 => Run<Count5>(s, labels, rows, ld, g, ldg, scale),
            6 => Run<Count6>(s, labels, rows, ld, g, ldg, scale),
            7 => Run<Count7>(s, labels, rows, ld, g, ldg, scale),
            8 => Run<Count8>(s, labels, rows, ld, g, ldg, scale),
            9 => Run<Count9>(s, labels, rows, ld, g, ldg, scale),
            10 => Run<Count10>(s, labels, rows, ld, g, ldg, scale),
            11 => Run<Count11>(s, labels, rows, ld, g, ldg, scale),
            12 => Run<Count12>(s, labels, rows, ld, g, ldg, scale),
            13 => Run<Count13>(s, labels, rows, ld, g, ldg, scale),
            14 => Run<Count14>(s, labels, rows, ld, g, ldg, scale),
            15 => Run<Count15>(s, labels, rows, ld, g, ldg, scale),
            16 => Run<Count16>(s, labels, rows, ld, g, ldg, scale),
            _ => throw new UnreachableException(),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Run<TClasses>(float* s, int* labels, int rows, int ld, float* g, int ldg, float scale) where TClasses : struct, ICompileTimeCount
    {
        int c = TClasses.Value;
        Debug.Assert(c is >= 1 and <= MaxClasses && ld >= c && rows >= 0);
        if (rows == 0) return 0;
        float* end = s + (nint)(rows - 1) * ld + c;
        // Groups [0, full) load every row with a whole 16-float vector that ends inside the rows.
        int full = rows / Group * Group;
        while (full > 0 && (nint)(full - 1) * ld + Group > (nint)(rows - 1) * ld + c) full -= Group;
        return g != null
            ? Groups<TClasses, FlagOn, FlagOn, NoRowOptions>(s, labels, ld, g, ldg, scale, 0, full, rows, end, default) + Groups<TClasses, FlagOn, FlagOff, NoRowOptions>(s, labels, ld, g, ldg, scale, full, rows, rows, end, default)
            : Groups<TClasses, FlagOff, FlagOn, NoRowOptions>(s, labels, ld, g, ldg, scale, 0, full, rows, end, default) + Groups<TClasses, FlagOff, FlagOff, NoRowOptions>(s, labels, ld, g, ldg, scale, full, rows, rows, end, default);
    }

    /// <summary>
    /// Cross-entropy with options (label smoothing, class weights, ignore index, per-row losses, lse and argmax; no
    /// z-loss: <see cref="OptionRowConstants.ZLoss"/> must be 0) on rows [0, rows) of <paramref name="c"/> ≤ 16 logits,
    /// packed (stride c), in the same registers as the plain kernel: w[y_i] is a per-lane gather, the ignore index a
    /// per-lane mask, Σ w_j·(s_j − max) one FMA per column before the exponentials, the argmax one compare and blend per
    /// column, and the gradient <c>a·(coefP·e_j/Σe − ε/C·w_j)</c> with the label's entry
    /// <c>−a·(1−ε)·w_y·Σ_{j≠y}e/Σe + a·ε/C·(W·e_y/Σe − w_y)</c> (no cancellation of p_y − 1); formulas in
    /// <see cref="CrossEntropyOptions"/>. Returns Σ of the cross-entropy terms (lane sums in float over up to 64 groups,
    /// then in double, as <see cref="CrossEntropyOptionsShortRows{T, V}"/>). g may be s.
    /// </summary>
    public static double RunOptions<TSmooth, TWeights, TArgmax>(float* s, int* labels, int rows, int c, float* g, float* losses,
        float* lse, int* argmax, in OptionRowConstants k)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
    {
        Debug.Assert(k.ZLoss == 0);
        var o = new ShortRowOptionArgs(k, losses, lse, argmax);
        return c switch
        {
            1 => RunOptions<Count1, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            2 => RunOptions<Count2, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            3 => RunOptions<Count3, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            4 => RunOptions<Count4, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            5 => RunOptions<Count5, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            6 => RunOptions<Count6, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            7 => RunOptions<Count7, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            8 => RunOptions<Count8, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            9 => RunOptions<Count9, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            10 => RunOptions<Count10, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            11 => RunOptions<Count11, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            12 => RunOptions<Count12, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            13 => RunOptions<Count13, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            14 => RunOptions<Count14, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            15 => RunOptions<Count15, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            16 => RunOptions<Count16, RowOptions<TSmooth, TWeights, TArgmax>>(s, labels, rows, g, o),
            _ => throw new UnreachableException(),
        };
    }

    private static double RunOptions<TClasses, TOpt>(float* s, int* labels, int rows, float* g, in ShortRowOptionArgs o)
        where TClasses : struct, ICompileTimeCount where TOpt : struct, IShortRowOptions
    {
        int c = TClasses.Value;
        if (rows == 0) return 0;
        float* end = s + (nint)rows * c;
        int full = rows / Group * Group;
        while (full > 0 && (nint)(full - 1) * c + Group > (nint)rows * c) full -= Group;
        float scale = (float)o.K.CeScale;
        return g != null
            ? Groups<TClasses, FlagOn, FlagOn, TOpt>(s, labels, c, g, c, scale, 0, full, rows, end, o) + Groups<TClasses, FlagOn, FlagOff, TOpt>(s, labels, c, g, c, scale, full, rows, rows, end, o)
            : Groups<TClasses, FlagOff, FlagOn, TOpt>(s, labels, c, g, c, scale, 0, full, rows, end, o) + Groups<TClasses, FlagOff, FlagOff, TOpt>(s, labels, c, g, c, scale, full, rows, rows, end, o);
    }

    /// <summary>
    /// Rows [r0, r1) of <typeparamref name="TClasses"/> logits in groups of 16 (the last may be shorter). <typeparamref name="TGrad"/>: write the gradient.
    /// <typeparamref name="TFull"/>: every group has 16 rows and every 16-float load from a row start ends at or before
    /// <paramref name="end"/>; otherwise rows past <paramref name="rows"/> are zeros (not stored, loss dropped) and loads
    /// that would cross end are k-masked to the row length. <typeparamref name="TOpt"/>: the options of
    /// <see cref="RunOptions{TSmooth, TWeights, TArgmax}"/> (<see cref="NoRowOptions"/>: the plain loss, all of it dead code).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Groups<TClasses, TGrad, TFull, TOpt>(float* ps, int* labels, nint ld, float* pg, nint ldg, float scale, int r0, int r1, int rows, float* end,
        in ShortRowOptionArgs o)
        where TClasses : struct, ICompileTimeCount where TGrad : struct, ICompileTimeFlag where TFull : struct, ICompileTimeFlag where TOpt : struct, IShortRowOptions
    {
        bool grad = TGrad.Value, full = TFull.Value, opt = TOpt.Enabled, smooth = TOpt.Smooth, weighted = TOpt.Weights;
        bool hasIgnore = opt && o.K.HasIgnore;
        float* wt = o.K.Weights;
        Vector512<float> oneMinusEps = Vector512.Create((float)(1 - o.K.Epsilon)), uniform = Vector512.Create((float)o.K.Uniform);
        Vector512<float> weightSum = Vector512.Create((float)o.K.WeightSum);
        Vector512<int> ignoreIndex = Vector512.Create(o.K.IgnoreIndex);
        Vector512<float> ceAcc = Vector512<float>.Zero;
        int c = TClasses.Value;
        Vector512<float> colMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(c)).AsSingle();
        Vector512<float> vscale = Vector512.Create(scale);
        double total = 0;
        Vector512<double> products = Vector512<double>.One, shifts = Vector512<double>.Zero;
        int pending = 0;
        for (; r0 < r1; r0 += Group)
        {
            int n = full ? Group : Math.Min(Group, rows - r0);
            float* s = ps + r0 * ld;
            Vector512<int> label = full ? Vector512.Load(labels + r0) : LoadLabels(labels + r0, n);
            // Options: counted rows (cnt all ones), w[y_i] (wy); an ignored row's label becomes −1, matching no column.
            Vector512<float> present = full ? Vector512<float>.AllBitsSet : Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle();
            Vector512<float> cnt = present, wy = Vector512<float>.One;
            if (hasIgnore)
            {
                Vector512<int> ignored = Vector512.Equals(label, ignoreIndex);
                cnt = Vector512.AndNot(cnt, ignored.AsSingle());
                label |= ignored;
            }
            if (opt && weighted)
            {
                // w[y_i] by one blend per class (a pair of 8-lane gathers measured 1.6× the plain kernel's time at C = 10).
                wy = WeightStep(label, wt, 0, Vector512<float>.Zero);
                if (c > 1) wy = WeightStep(label, wt, 1, wy);
                if (c > 2) wy = WeightStep(label, wt, 2, wy);
                if (c > 3) wy = WeightStep(label, wt, 3, wy);
                if (c > 4) wy = WeightStep(label, wt, 4, wy);
                if (c > 5) wy = WeightStep(label, wt, 5, wy);
                if (c > 6) wy = WeightStep(label, wt, 6, wy);
                if (c > 7) wy = WeightStep(label, wt, 7, wy);
                if (c > 8) wy = WeightStep(label, wt, 8, wy);
                if (c > 9) wy = WeightStep(label, wt, 9, wy);
                if (c > 10) wy = WeightStep(label, wt, 10, wy);
                if (c > 11) wy = WeightStep(label, wt, 11, wy);
                if (c > 12) wy = WeightStep(label, wt, 12, wy);
                if (c > 13) wy = WeightStep(label, wt, 13, wy);
                if (c > 14) wy = WeightStep(label, wt, 14, wy);
                if (c > 15) wy = WeightStep(label, wt, 15, wy);
            }
            Vector512<float> x0 = full ? Vector512.Load(s + 0 * ld) : LoadRow(s + 0 * ld, 0 < n, colMask, end);
            Vector512<float> x1 = full ? Vector512.Load(s + 1 * ld) : LoadRow(s + 1 * ld, 1 < n, colMask, end);
            Vector512<float> x2 = full ? Vector512.Load(s + 2 * ld) : LoadRow(s + 2 * ld, 2 < n, colMask, end);
            Vector512<float> x3 = full ? Vector512.Load(s + 3 * ld) : LoadRow(s + 3 * ld, 3 < n, colMask, end);
            Vector512<float> x4 = full ? Vector512.Load(s + 4 * ld) : LoadRow(s + 4 * ld, 4 < n, colMask, end);
            Vector512<float> x5 = full ? Vector512.Load(s + 5 * ld) : LoadRow(s + 5 * ld, 5 < n, colMask, end);
            Vector512<float> x6 = full ? Vector512.Load(s + 6 * ld) : LoadRow(s + 6 * ld, 6 < n, colMask, end);
            Vector512<float> x7 = full ? Vector512.Load(s + 7 * ld) : LoadRow(s + 7 * ld, 7 < n, colMask, end);
            Vector512<float> x8 = full ? Vector512.Load(s + 8 * ld) : LoadRow(s + 8 * ld, 8 < n, colMask, end);
            Vector512<float> x9 = full ? Vector512.Load(s + 9 * ld) : LoadRow(s + 9 * ld, 9 < n, colMask, end);
            Vector512<float> x10 = full ? Vector512.Load(s + 10 * ld) : LoadRow(s + 10 * ld, 10 < n, colMask, end);
            Vector512<float> x11 = full ? Vector512.Load(s + 11 * ld) : LoadRow(s + 11 * ld, 11 < n, colMask, end);
            Vector512<float> x12 = full ? Vector512.Load(s + 12 * ld) : LoadRow(s + 12 * ld, 12 < n, colMask, end);
            Vector512<float> x13 = full ? Vector512.Load(s + 13 * ld) : LoadRow(s + 13 * ld, 13 < n, colMask, end);
            Vector512<float> x14 = full ? Vector512.Load(s + 14 * ld) : LoadRow(s + 14 * ld, 14 < n, colMask, end);
            Vector512<float> x15 = full ? Vector512.Load(s + 15 * ld) : LoadRow(s + 15 * ld, 15 < n, colMask, end);
            Vector512<float> ta0 = Avx512F.UnpackLow(x0, x1), ta1 = Avx512F.UnpackHigh(x0, x1);
            Vector512<float> ta2 = Avx512F.UnpackLow(x2, x3), ta3 = Avx512F.UnpackHigh(x2, x3);
            Vector512<float> ta4 = Avx512F.UnpackLow(x4, x5), ta5 = Avx512F.UnpackHigh(x4, x5);
            Vector512<float> ta6 = Avx512F.UnpackLow(x6, x7), ta7 = Avx512F.UnpackHigh(x6, x7);
            Vector512<float> ta8 = Avx512F.UnpackLow(x8, x9), ta9 = Avx512F.UnpackHigh(x8, x9);
            Vector512<float> ta10 = Avx512F.UnpackLow(x10, x11), ta11 = Avx512F.UnpackHigh(x10, x11);
            Vector512<float> ta12 = Avx512F.UnpackLow(x12, x13), ta13 = Avx512F.UnpackHigh(x12, x13);
            Vector512<float> ta14 = Avx512F.UnpackLow(x14, x15), ta15 = Avx512F.UnpackHigh(x14, x15);
            Vector512<float> tb0 = UnpackLowPd(ta0, ta2), tb1 = UnpackHighPd(ta0, ta2), tb2 = UnpackLowPd(ta1, ta3), tb3 = UnpackHighPd(ta1, ta3);
            Vector512<float> tb4 = UnpackLowPd(ta4, ta6), tb5 = UnpackHighPd(ta4, ta6), tb6 = UnpackLowPd(ta5, ta7), tb7 = UnpackHighPd(ta5, ta7);
            Vector512<float> tb8 = UnpackLowPd(ta8, ta10), tb9 = UnpackHighPd(ta8, ta10), tb10 = UnpackLowPd(ta9, ta11), tb11 = UnpackHighPd(ta9, ta11);
            Vector512<float> tb12 = UnpackLowPd(ta12, ta14), tb13 = UnpackHighPd(ta12, ta14), tb14 = UnpackLowPd(ta13, ta15), tb15 = UnpackHighPd(ta13, ta15);
            Vector512<float> tc0 = Avx512F.Shuffle4x128(tb0, tb4, 0x88), tc4 = Avx512F.Shuffle4x128(tb0, tb4, 0xDD);
            Vector512<float> td0 = Avx512F.Shuffle4x128(tb8, tb12, 0x88), td4 = Avx512F.Shuffle4x128(tb8, tb12, 0xDD);
            Vector512<float> tc1 = Avx512F.Shuffle4x128(tb1, tb5, 0x88), tc5 = Avx512F.Shuffle4x128(tb1, tb5, 0xDD);
            Vector512<float> td1 = Avx512F.Shuffle4x128(tb9, tb13, 0x88), td5 = Avx512F.Shuffle4x128(tb9, tb13, 0xDD);
            Vector512<float> tc2 = Avx512F.Shuffle4x128(tb2, tb6, 0x88), tc6 = Avx512F.Shuffle4x128(tb2, tb6, 0xDD);
            Vector512<float> td2 = Avx512F.Shuffle4x128(tb10, tb14, 0x88), td6 = Avx512F.Shuffle4x128(tb10, tb14, 0xDD);
            Vector512<float> tc3 = Avx512F.Shuffle4x128(tb3, tb7, 0x88), tc7 = Avx512F.Shuffle4x128(tb3, tb7, 0xDD);
            Vector512<float> td3 = Avx512F.Shuffle4x128(tb11, tb15, 0x88), td7 = Avx512F.Shuffle4x128(tb11, tb15, 0xDD);
            Vector512<float> t0 = Avx512F.Shuffle4x128(tc0, td0, 0x88), t8 = Avx512F.Shuffle4x128(tc0, td0, 0xDD);
            Vector512<float> t1 = Avx512F.Shuffle4x128(tc1, td1, 0x88), t9 = Avx512F.Shuffle4x128(tc1, td1, 0xDD);
            Vector512<float> t2 = Avx512F.Shuffle4x128(tc2, td2, 0x88), t10 = Avx512F.Shuffle4x128(tc2, td2, 0xDD);
            Vector512<float> t3 = Avx512F.Shuffle4x128(tc3, td3, 0x88), t11 = Avx512F.Shuffle4x128(tc3, td3, 0xDD);
            Vector512<float> t4 = Avx512F.Shuffle4x128(tc4, td4, 0x88), t12 = Avx512F.Shuffle4x128(tc4, td4, 0xDD);
            Vector512<float> t5 = Avx512F.Shuffle4x128(tc5, td5, 0x88), t13 = Avx512F.Shuffle4x128(tc5, td5, 0xDD);
            Vector512<float> t6 = Avx512F.Shuffle4x128(tc6, td6, 0x88), t14 = Avx512F.Shuffle4x128(tc6, td6, 0xDD);
            Vector512<float> t7 = Avx512F.Shuffle4x128(tc7, td7, 0x88), t15 = Avx512F.Shuffle4x128(tc7, td7, 0xDD);
            Vector512<float> negInf = Vector512.Create(float.NegativeInfinity);
            Vector512<float> m0 = Avx512F.Max(t0, negInf), m1 = negInf;
            if (c > 1) m1 = Avx512F.Max(t1, m1);
            if (c > 2) m0 = Avx512F.Max(t2, m0);
            if (c > 3) m1 = Avx512F.Max(t3, m1);
            if (c > 4) m0 = Avx512F.Max(t4, m0);
            if (c > 5) m1 = Avx512F.Max(t5, m1);
            if (c > 6) m0 = Avx512F.Max(t6, m0);
            if (c > 7) m1 = Avx512F.Max(t7, m1);
            if (c > 8) m0 = Avx512F.Max(t8, m0);
            if (c > 9) m1 = Avx512F.Max(t9, m1);
            if (c > 10) m0 = Avx512F.Max(t10, m0);
            if (c > 11) m1 = Avx512F.Max(t11, m1);
            if (c > 12) m0 = Avx512F.Max(t12, m0);
            if (c > 13) m1 = Avx512F.Max(t13, m1);
            if (c > 14) m0 = Avx512F.Max(t14, m0);
            if (c > 15) m1 = Avx512F.Max(t15, m1);
            Vector512<float> max = Avx512F.Max(m0, m1);
            Vector512<int> at = Vector512<int>.Zero;
            Vector512<float> acc = Vector512<float>.Zero;
            if (opt && TOpt.Argmax)
            {
                // The first column equal to the row max: a descending scan, so the lowest j is selected last.
                if (c > 15) at = ArgmaxStep(t15, max, 15, at);
                if (c > 14) at = ArgmaxStep(t14, max, 14, at);
                if (c > 13) at = ArgmaxStep(t13, max, 13, at);
                if (c > 12) at = ArgmaxStep(t12, max, 12, at);
                if (c > 11) at = ArgmaxStep(t11, max, 11, at);
                if (c > 10) at = ArgmaxStep(t10, max, 10, at);
                if (c > 9) at = ArgmaxStep(t9, max, 9, at);
                if (c > 8) at = ArgmaxStep(t8, max, 8, at);
                if (c > 7) at = ArgmaxStep(t7, max, 7, at);
                if (c > 6) at = ArgmaxStep(t6, max, 6, at);
                if (c > 5) at = ArgmaxStep(t5, max, 5, at);
                if (c > 4) at = ArgmaxStep(t4, max, 4, at);
                if (c > 3) at = ArgmaxStep(t3, max, 3, at);
                if (c > 2) at = ArgmaxStep(t2, max, 2, at);
                if (c > 1) at = ArgmaxStep(t1, max, 1, at);
                at = ArgmaxStep(t0, max, 0, at);
            }
            if (opt && smooth)
            {
                // Σ_j w_j·(s_j − max), the smoothing term's sum, before t becomes e.
                acc = SmoothStep<TOpt>(t0, max, wt, 0, acc);
                if (c > 1) acc = SmoothStep<TOpt>(t1, max, wt, 1, acc);
                if (c > 2) acc = SmoothStep<TOpt>(t2, max, wt, 2, acc);
                if (c > 3) acc = SmoothStep<TOpt>(t3, max, wt, 3, acc);
                if (c > 4) acc = SmoothStep<TOpt>(t4, max, wt, 4, acc);
                if (c > 5) acc = SmoothStep<TOpt>(t5, max, wt, 5, acc);
                if (c > 6) acc = SmoothStep<TOpt>(t6, max, wt, 6, acc);
                if (c > 7) acc = SmoothStep<TOpt>(t7, max, wt, 7, acc);
                if (c > 8) acc = SmoothStep<TOpt>(t8, max, wt, 8, acc);
                if (c > 9) acc = SmoothStep<TOpt>(t9, max, wt, 9, acc);
                if (c > 10) acc = SmoothStep<TOpt>(t10, max, wt, 10, acc);
                if (c > 11) acc = SmoothStep<TOpt>(t11, max, wt, 11, acc);
                if (c > 12) acc = SmoothStep<TOpt>(t12, max, wt, 12, acc);
                if (c > 13) acc = SmoothStep<TOpt>(t13, max, wt, 13, acc);
                if (c > 14) acc = SmoothStep<TOpt>(t14, max, wt, 14, acc);
                if (c > 15) acc = SmoothStep<TOpt>(t15, max, wt, 15, acc);
            }
            // s_y (the true class's logit), then t ← e = exp(t − max) with Σ_{j≠y} e_j and e_y kept apart.
            Vector512<float> sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512<int>.Zero).AsSingle(), t0, Vector512<float>.Zero);
            if (c > 1) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(1)).AsSingle(), t1, sy);
            if (c > 2) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(2)).AsSingle(), t2, sy);
            if (c > 3) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(3)).AsSingle(), t3, sy);
            if (c > 4) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(4)).AsSingle(), t4, sy);
            if (c > 5) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(5)).AsSingle(), t5, sy);
            if (c > 6) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(6)).AsSingle(), t6, sy);
            if (c > 7) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(7)).AsSingle(), t7, sy);
            if (c > 8) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(8)).AsSingle(), t8, sy);
            if (c > 9) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(9)).AsSingle(), t9, sy);
            if (c > 10) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(10)).AsSingle(), t10, sy);
            if (c > 11) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(11)).AsSingle(), t11, sy);
            if (c > 12) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(12)).AsSingle(), t12, sy);
            if (c > 13) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(13)).AsSingle(), t13, sy);
            if (c > 14) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(14)).AsSingle(), t14, sy);
            if (c > 15) sy = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(15)).AsSingle(), t15, sy);
            Vector512<float> others = Vector512<float>.Zero, ey = Vector512<float>.Zero;
            { t0 = ExpRr2P5.Exp(t0 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(0)).AsSingle(); others += Vector512.AndNot(t0, isY); ey = Vector512.ConditionalSelect(isY, t0, ey); }
            if (c > 1) { t1 = ExpRr2P5.Exp(t1 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(1)).AsSingle(); others += Vector512.AndNot(t1, isY); ey = Vector512.ConditionalSelect(isY, t1, ey); }
            if (c > 2) { t2 = ExpRr2P5.Exp(t2 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(2)).AsSingle(); others += Vector512.AndNot(t2, isY); ey = Vector512.ConditionalSelect(isY, t2, ey); }
            if (c > 3) { t3 = ExpRr2P5.Exp(t3 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(3)).AsSingle(); others += Vector512.AndNot(t3, isY); ey = Vector512.ConditionalSelect(isY, t3, ey); }
            if (c > 4) { t4 = ExpRr2P5.Exp(t4 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(4)).AsSingle(); others += Vector512.AndNot(t4, isY); ey = Vector512.ConditionalSelect(isY, t4, ey); }
            if (c > 5) { t5 = ExpRr2P5.Exp(t5 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(5)).AsSingle(); others += Vector512.AndNot(t5, isY); ey = Vector512.ConditionalSelect(isY, t5, ey); }
            if (c > 6) { t6 = ExpRr2P5.Exp(t6 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(6)).AsSingle(); others += Vector512.AndNot(t6, isY); ey = Vector512.ConditionalSelect(isY, t6, ey); }
            if (c > 7) { t7 = ExpRr2P5.Exp(t7 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(7)).AsSingle(); others += Vector512.AndNot(t7, isY); ey = Vector512.ConditionalSelect(isY, t7, ey); }
            if (c > 8) { t8 = ExpRr2P5.Exp(t8 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(8)).AsSingle(); others += Vector512.AndNot(t8, isY); ey = Vector512.ConditionalSelect(isY, t8, ey); }
            if (c > 9) { t9 = ExpRr2P5.Exp(t9 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(9)).AsSingle(); others += Vector512.AndNot(t9, isY); ey = Vector512.ConditionalSelect(isY, t9, ey); }
            if (c > 10) { t10 = ExpRr2P5.Exp(t10 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(10)).AsSingle(); others += Vector512.AndNot(t10, isY); ey = Vector512.ConditionalSelect(isY, t10, ey); }
            if (c > 11) { t11 = ExpRr2P5.Exp(t11 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(11)).AsSingle(); others += Vector512.AndNot(t11, isY); ey = Vector512.ConditionalSelect(isY, t11, ey); }
            if (c > 12) { t12 = ExpRr2P5.Exp(t12 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(12)).AsSingle(); others += Vector512.AndNot(t12, isY); ey = Vector512.ConditionalSelect(isY, t12, ey); }
            if (c > 13) { t13 = ExpRr2P5.Exp(t13 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(13)).AsSingle(); others += Vector512.AndNot(t13, isY); ey = Vector512.ConditionalSelect(isY, t13, ey); }
            if (c > 14) { t14 = ExpRr2P5.Exp(t14 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(14)).AsSingle(); others += Vector512.AndNot(t14, isY); ey = Vector512.ConditionalSelect(isY, t14, ey); }
            if (c > 15) { t15 = ExpRr2P5.Exp(t15 - max); Vector512<float> isY = Vector512.Equals(label, Vector512.Create(15)).AsSingle(); others += Vector512.AndNot(t15, isY); ey = Vector512.ConditionalSelect(isY, t15, ey); }
            Vector512<float> sum = others + ey;
            if (!full) sum = Vector512.ConditionalSelect(Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle(), sum, Vector512<float>.One);
            // Σ_rows log(sum) − (s_y − max) in double: lane-wise products of the sums (each in [1, C], so ≤ 2⁸ per group and lane) and Σ (s_y − max); absent rows have sum 1 and s_y = max = 0.
            Vector512<float> ownScale = Vector512<float>.Zero, gy;
            if (opt)
            {
                // ℓ = (1−ε)·w_y·(log Σe − (s_y − max)) + ε/C·(W·log Σe − Σ w_j·(s_j − max)) on counted rows, in float per lane.
                Vector512<float> logSum = Avx512Isa.Log(sum);
                Vector512<float> ce = oneMinusEps * wy * (logSum - (sy - max));
                if (smooth) ce += uniform * (weightSum * logSum - acc);
                ce &= cnt;
                ceAcc += ce;
                if (full)
                {
                    if (o.Losses != null) ce.Store(o.Losses + r0);
                    if (o.Lse != null) (max + logSum).Store(o.Lse + r0);
                    if (TOpt.Argmax) at.Store(o.Argmax + r0);
                }
                else
                {
                    if (o.Losses != null) Avx512F.MaskStore(o.Losses + r0, present, ce);
                    if (o.Lse != null) Avx512F.MaskStore(o.Lse + r0, present, max + logSum);
                    if (TOpt.Argmax) Avx512F.MaskStore(o.Argmax + r0, present.AsInt32(), at);
                }
                if (TOpt.Argmax)
                {
                    // Σe is NaN where the row holds a NaN or a +∞ (or is all −∞): the reference's rule from the row itself,
                    // still unwritten (the gradient is stored below).
                    uint odd = (uint)(~Vector512.Equals(sum, sum) & present).ExtractMostSignificantBits();
                    if (odd != 0) ArgmaxOfOddRows(s, ld, c, odd, max, o.Argmax + r0);
                }
            }
            else
            {
                Vector512<double> sumLo = Avx512F.ConvertToVector512Double(sum.GetLower()), sumHi = Avx512F.ConvertToVector512Double(sum.GetUpper());
                products *= sumLo * sumHi;
                shifts += Avx512F.ConvertToVector512Double(sy.GetLower()) - Avx512F.ConvertToVector512Double(max.GetLower())
                    + (Avx512F.ConvertToVector512Double(sy.GetUpper()) - Avx512F.ConvertToVector512Double(max.GetUpper()));
            }
            if (grad)
            {
                Vector512<float> inv; // the factor of e_j off the label: scale/Σe, with options a·coefP/Σe
                if (opt)
                {
                    // g_j = a·coefP·e_j/Σe − a·ε/C·w_j off the label; a = 0 on ignored rows (and the row masked to 0 below).
                    Vector512<float> rcp = Vector512<float>.One / sum;
                    Vector512<float> va = vscale & cnt;
                    Vector512<float> nll = va * oneMinusEps * wy;
                    inv = (smooth ? nll + va * uniform * weightSum : nll) * rcp;
                    gy = -(nll * others * rcp);
                    if (smooth)
                    {
                        ownScale = va * uniform;
                        gy += ownScale * (weightSum * ey * rcp - wy);
                    }
                }
                else
                {
                    inv = vscale / sum;
                    gy = -(others * inv);
                }
                t0 = opt ? GradStep<TOpt>(t0, 0, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(0)).AsSingle(), gy, t0 * inv);
                if (c > 1) t1 = opt ? GradStep<TOpt>(t1, 1, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(1)).AsSingle(), gy, t1 * inv);
                if (c > 2) t2 = opt ? GradStep<TOpt>(t2, 2, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(2)).AsSingle(), gy, t2 * inv);
                if (c > 3) t3 = opt ? GradStep<TOpt>(t3, 3, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(3)).AsSingle(), gy, t3 * inv);
                if (c > 4) t4 = opt ? GradStep<TOpt>(t4, 4, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(4)).AsSingle(), gy, t4 * inv);
                if (c > 5) t5 = opt ? GradStep<TOpt>(t5, 5, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(5)).AsSingle(), gy, t5 * inv);
                if (c > 6) t6 = opt ? GradStep<TOpt>(t6, 6, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(6)).AsSingle(), gy, t6 * inv);
                if (c > 7) t7 = opt ? GradStep<TOpt>(t7, 7, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(7)).AsSingle(), gy, t7 * inv);
                if (c > 8) t8 = opt ? GradStep<TOpt>(t8, 8, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(8)).AsSingle(), gy, t8 * inv);
                if (c > 9) t9 = opt ? GradStep<TOpt>(t9, 9, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(9)).AsSingle(), gy, t9 * inv);
                if (c > 10) t10 = opt ? GradStep<TOpt>(t10, 10, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(10)).AsSingle(), gy, t10 * inv);
                if (c > 11) t11 = opt ? GradStep<TOpt>(t11, 11, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(11)).AsSingle(), gy, t11 * inv);
                if (c > 12) t12 = opt ? GradStep<TOpt>(t12, 12, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(12)).AsSingle(), gy, t12 * inv);
                if (c > 13) t13 = opt ? GradStep<TOpt>(t13, 13, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(13)).AsSingle(), gy, t13 * inv);
                if (c > 14) t14 = opt ? GradStep<TOpt>(t14, 14, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(14)).AsSingle(), gy, t14 * inv);
                if (c > 15) t15 = opt ? GradStep<TOpt>(t15, 15, label, gy, inv, ownScale, wt, cnt, hasIgnore) : Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(15)).AsSingle(), gy, t15 * inv);
                Vector512<float> oa0 = Avx512F.UnpackLow((c > 0 ? t0 : Vector512<float>.Zero), (c > 1 ? t1 : Vector512<float>.Zero)), oa1 = Avx512F.UnpackHigh((c > 0 ? t0 : Vector512<float>.Zero), (c > 1 ? t1 : Vector512<float>.Zero));
                Vector512<float> oa2 = Avx512F.UnpackLow((c > 2 ? t2 : Vector512<float>.Zero), (c > 3 ? t3 : Vector512<float>.Zero)), oa3 = Avx512F.UnpackHigh((c > 2 ? t2 : Vector512<float>.Zero), (c > 3 ? t3 : Vector512<float>.Zero));
                Vector512<float> oa4 = Avx512F.UnpackLow((c > 4 ? t4 : Vector512<float>.Zero), (c > 5 ? t5 : Vector512<float>.Zero)), oa5 = Avx512F.UnpackHigh((c > 4 ? t4 : Vector512<float>.Zero), (c > 5 ? t5 : Vector512<float>.Zero));
                Vector512<float> oa6 = Avx512F.UnpackLow((c > 6 ? t6 : Vector512<float>.Zero), (c > 7 ? t7 : Vector512<float>.Zero)), oa7 = Avx512F.UnpackHigh((c > 6 ? t6 : Vector512<float>.Zero), (c > 7 ? t7 : Vector512<float>.Zero));
                Vector512<float> oa8 = Avx512F.UnpackLow((c > 8 ? t8 : Vector512<float>.Zero), (c > 9 ? t9 : Vector512<float>.Zero)), oa9 = Avx512F.UnpackHigh((c > 8 ? t8 : Vector512<float>.Zero), (c > 9 ? t9 : Vector512<float>.Zero));
                Vector512<float> oa10 = Avx512F.UnpackLow((c > 10 ? t10 : Vector512<float>.Zero), (c > 11 ? t11 : Vector512<float>.Zero)), oa11 = Avx512F.UnpackHigh((c > 10 ? t10 : Vector512<float>.Zero), (c > 11 ? t11 : Vector512<float>.Zero));
                Vector512<float> oa12 = Avx512F.UnpackLow((c > 12 ? t12 : Vector512<float>.Zero), (c > 13 ? t13 : Vector512<float>.Zero)), oa13 = Avx512F.UnpackHigh((c > 12 ? t12 : Vector512<float>.Zero), (c > 13 ? t13 : Vector512<float>.Zero));
                Vector512<float> oa14 = Avx512F.UnpackLow((c > 14 ? t14 : Vector512<float>.Zero), (c > 15 ? t15 : Vector512<float>.Zero)), oa15 = Avx512F.UnpackHigh((c > 14 ? t14 : Vector512<float>.Zero), (c > 15 ? t15 : Vector512<float>.Zero));
                Vector512<float> ob0 = UnpackLowPd(oa0, oa2), ob1 = UnpackHighPd(oa0, oa2), ob2 = UnpackLowPd(oa1, oa3), ob3 = UnpackHighPd(oa1, oa3);
                Vector512<float> ob4 = UnpackLowPd(oa4, oa6), ob5 = UnpackHighPd(oa4, oa6), ob6 = UnpackLowPd(oa5, oa7), ob7 = UnpackHighPd(oa5, oa7);
                Vector512<float> ob8 = UnpackLowPd(oa8, oa10), ob9 = UnpackHighPd(oa8, oa10), ob10 = UnpackLowPd(oa9, oa11), ob11 = UnpackHighPd(oa9, oa11);
                Vector512<float> ob12 = UnpackLowPd(oa12, oa14), ob13 = UnpackHighPd(oa12, oa14), ob14 = UnpackLowPd(oa13, oa15), ob15 = UnpackHighPd(oa13, oa15);
                Vector512<float> oc0 = Avx512F.Shuffle4x128(ob0, ob4, 0x88), oc4 = Avx512F.Shuffle4x128(ob0, ob4, 0xDD);
                Vector512<float> od0 = Avx512F.Shuffle4x128(ob8, ob12, 0x88), od4 = Avx512F.Shuffle4x128(ob8, ob12, 0xDD);
                Vector512<float> oc1 = Avx512F.Shuffle4x128(ob1, ob5, 0x88), oc5 = Avx512F.Shuffle4x128(ob1, ob5, 0xDD);
                Vector512<float> od1 = Avx512F.Shuffle4x128(ob9, ob13, 0x88), od5 = Avx512F.Shuffle4x128(ob9, ob13, 0xDD);
                Vector512<float> oc2 = Avx512F.Shuffle4x128(ob2, ob6, 0x88), oc6 = Avx512F.Shuffle4x128(ob2, ob6, 0xDD);
                Vector512<float> od2 = Avx512F.Shuffle4x128(ob10, ob14, 0x88), od6 = Avx512F.Shuffle4x128(ob10, ob14, 0xDD);
                Vector512<float> oc3 = Avx512F.Shuffle4x128(ob3, ob7, 0x88), oc7 = Avx512F.Shuffle4x128(ob3, ob7, 0xDD);
                Vector512<float> od3 = Avx512F.Shuffle4x128(ob11, ob15, 0x88), od7 = Avx512F.Shuffle4x128(ob11, ob15, 0xDD);
                Vector512<float> o0 = Avx512F.Shuffle4x128(oc0, od0, 0x88), o8 = Avx512F.Shuffle4x128(oc0, od0, 0xDD);
                Vector512<float> o1 = Avx512F.Shuffle4x128(oc1, od1, 0x88), o9 = Avx512F.Shuffle4x128(oc1, od1, 0xDD);
                Vector512<float> o2 = Avx512F.Shuffle4x128(oc2, od2, 0x88), o10 = Avx512F.Shuffle4x128(oc2, od2, 0xDD);
                Vector512<float> o3 = Avx512F.Shuffle4x128(oc3, od3, 0x88), o11 = Avx512F.Shuffle4x128(oc3, od3, 0xDD);
                Vector512<float> o4 = Avx512F.Shuffle4x128(oc4, od4, 0x88), o12 = Avx512F.Shuffle4x128(oc4, od4, 0xDD);
                Vector512<float> o5 = Avx512F.Shuffle4x128(oc5, od5, 0x88), o13 = Avx512F.Shuffle4x128(oc5, od5, 0xDD);
                Vector512<float> o6 = Avx512F.Shuffle4x128(oc6, od6, 0x88), o14 = Avx512F.Shuffle4x128(oc6, od6, 0xDD);
                Vector512<float> o7 = Avx512F.Shuffle4x128(oc7, od7, 0x88), o15 = Avx512F.Shuffle4x128(oc7, od7, 0xDD);
                float* gr = pg + r0 * ldg;
                if (full || 0 < n) Avx512F.MaskStore(gr + 0 * ldg, colMask, o0);
                if (full || 1 < n) Avx512F.MaskStore(gr + 1 * ldg, colMask, o1);
                if (full || 2 < n) Avx512F.MaskStore(gr + 2 * ldg, colMask, o2);
                if (full || 3 < n) Avx512F.MaskStore(gr + 3 * ldg, colMask, o3);
                if (full || 4 < n) Avx512F.MaskStore(gr + 4 * ldg, colMask, o4);
                if (full || 5 < n) Avx512F.MaskStore(gr + 5 * ldg, colMask, o5);
                if (full || 6 < n) Avx512F.MaskStore(gr + 6 * ldg, colMask, o6);
                if (full || 7 < n) Avx512F.MaskStore(gr + 7 * ldg, colMask, o7);
                if (full || 8 < n) Avx512F.MaskStore(gr + 8 * ldg, colMask, o8);
                if (full || 9 < n) Avx512F.MaskStore(gr + 9 * ldg, colMask, o9);
                if (full || 10 < n) Avx512F.MaskStore(gr + 10 * ldg, colMask, o10);
                if (full || 11 < n) Avx512F.MaskStore(gr + 11 * ldg, colMask, o11);
                if (full || 12 < n) Avx512F.MaskStore(gr + 12 * ldg, colMask, o12);
                if (full || 13 < n) Avx512F.MaskStore(gr + 13 * ldg, colMask, o13);
                if (full || 14 < n) Avx512F.MaskStore(gr + 14 * ldg, colMask, o14);
                if (full || 15 < n) Avx512F.MaskStore(gr + 15 * ldg, colMask, o15);
            }
            if (++pending == GroupsPerLog)
            {
                // Rarely and after the stores: every zmm is caller-saved, so a call while the group is live spilled all of it.
                if (opt)
                {
                    total += SumInDouble(ceAcc);
                    ceAcc = Vector512<float>.Zero;
                }
                else total += SumOfLogs(products);
                products = Vector512<double>.One;
                pending = 0;
            }
        }
        return opt ? total + SumInDouble(ceAcc) : total + SumOfLogs(products) - Vector512.Sum(shifts);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> WeightStep(Vector512<int> label, float* wt, int j, Vector512<float> wy) =>
        Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(j)).AsSingle(), Vector512.Create(wt[j]), wy);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> ArgmaxStep(Vector512<float> t, Vector512<float> max, int j, Vector512<int> at) =>
        Vector512.ConditionalSelect(Vector512.Equals(t, max).AsInt32(), Vector512.Create(j), at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SmoothStep<TOpt>(Vector512<float> t, Vector512<float> max, float* wt, int j, Vector512<float> acc)
        where TOpt : struct, IShortRowOptions =>
        TOpt.Weights ? Avx512F.FusedMultiplyAdd(Vector512.Create(wt[j]), t - max, acc) : acc + (t - max);

    /// <summary>One gradient column with options: the label's entry gy, elsewhere e·kc − a·ε/C·w_j; 0 on ignored rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GradStep<TOpt>(Vector512<float> e, int j, Vector512<int> label, Vector512<float> gy, Vector512<float> kc,
        Vector512<float> ownScale, float* wt, Vector512<float> cnt, bool hasIgnore) where TOpt : struct, IShortRowOptions
    {
        Vector512<float> r = !TOpt.Smooth ? e * kc
            : TOpt.Weights ? Avx512F.FusedMultiplyAddNegated(ownScale, Vector512.Create(wt[j]), e * kc) : e * kc - ownScale;
        r = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(j)).AsSingle(), gy, r);
        return hasIgnore ? r & cnt : r;
    }

    /// <summary>
    /// The argmax of the rows of a group whose Σe is NaN, as <see cref="OptionPlan.Argmax"/>: the first NaN, else the
    /// first entry equal to the row max (a +∞, or −∞ when every entry is). Rows of at most 16, read masked. Inlined:
    /// as a call in the group loop (every zmm caller-saved) it cost 1.04–1.27× the plain time at C = 10, inlined 0.95–1.03×.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ArgmaxOfOddRows(float* s, nint ld, int c, uint rows, Vector512<float> max, int* argmax)
    {
        Vector512<float> colMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(c)).AsSingle();
        for (; rows != 0; rows &= rows - 1)
        {
            int r = System.Numerics.BitOperations.TrailingZeroCount(rows);
            Vector512<float> v = Avx512F.MaskLoad(s + r * ld, colMask, Vector512<float>.Zero);
            uint nan = (uint)(~Vector512.Equals(v, v) & colMask).ExtractMostSignificantBits();
            uint top = (uint)(Vector512.Equals(v, Vector512.Create(max.GetElement(r))) & colMask).ExtractMostSignificantBits();
            argmax[r] = System.Numerics.BitOperations.TrailingZeroCount(nan != 0 ? nan : top);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumInDouble(Vector512<float> v) =>
        Vector512.Sum(Avx512F.ConvertToVector512Double(v.GetLower()) + Avx512F.ConvertToVector512Double(v.GetUpper()));

    /// <summary>Groups whose row-sum products are multiplied before one log per lane: 2⁸ per group stays below 2⁵¹² &lt; double's range.</summary>
    private const int GroupsPerLog = 64;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumOfLogs(Vector512<double> products)
    {
        double sum = 0;
        for (int i = 0; i < Vector512<double>.Count; i++) sum += Math.Log(products[i]);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> LoadLabels(int* p, int n) =>
        Avx512F.MaskLoad(p, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)), Vector512<int>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LoadRow(float* p, bool present, Vector512<float> colMask, float* end) =>
        !present ? Vector512<float>.Zero : p + Group <= end ? Vector512.Load(p) : Avx512F.MaskLoad(p, colMask, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackLowPd(Vector512<float> a, Vector512<float> b) =>
        Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackHighPd(Vector512<float> a, Vector512<float> b) =>
        Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();
}

/// <summary>Compile-time options of <see cref="CrossEntropyShortRowRegistersAvx512"/>'s groups.</summary>
internal interface IShortRowOptions
{
    static abstract bool Enabled { get; }
    static abstract bool Smooth { get; }
    static abstract bool Weights { get; }
    static abstract bool Argmax { get; }
}

/// <summary>The plain loss: no option code at all.</summary>
internal struct NoRowOptions : IShortRowOptions
{
    public static bool Enabled => false;
    public static bool Smooth => false;
    public static bool Weights => false;
    public static bool Argmax => false;
}

/// <summary>The option kernel, specialized on smoothing, class weights and the argmax output.</summary>
internal struct RowOptions<TSmooth, TWeights, TArgmax> : IShortRowOptions
    where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
{
    public static bool Enabled => true;
    public static bool Smooth => TSmooth.Value;
    public static bool Weights => TWeights.Value;
    public static bool Argmax => TArgmax.Value;
}

/// <summary>What the option groups read besides the logits: the shared constants and the per-row output pointers (null: not written).</summary>
internal readonly unsafe struct ShortRowOptionArgs(in OptionRowConstants k, float* losses, float* lse, int* argmax)
{
    public readonly OptionRowConstants K = k;
    public readonly float* Losses = losses, Lse = lse;
    public readonly int* Argmax = argmax;
}
