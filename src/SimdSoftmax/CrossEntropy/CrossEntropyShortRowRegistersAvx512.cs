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
            ? Groups<TClasses, FlagOn, FlagOn>(s, labels, ld, g, ldg, scale, 0, full, rows, end) + Groups<TClasses, FlagOn, FlagOff>(s, labels, ld, g, ldg, scale, full, rows, rows, end)
            : Groups<TClasses, FlagOff, FlagOn>(s, labels, ld, g, ldg, scale, 0, full, rows, end) + Groups<TClasses, FlagOff, FlagOff>(s, labels, ld, g, ldg, scale, full, rows, rows, end);
    }

    /// <summary>
    /// Rows [r0, r1) of <typeparamref name="TClasses"/> logits in groups of 16 (the last may be shorter). <typeparamref name="TGrad"/>: write the gradient.
    /// <typeparamref name="TFull"/>: every group has 16 rows and every 16-float load from a row start ends at or before
    /// <paramref name="end"/>; otherwise rows past <paramref name="rows"/> are zeros (not stored, loss dropped) and loads
    /// that would cross end are k-masked to the row length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Groups<TClasses, TGrad, TFull>(float* ps, int* labels, nint ld, float* pg, nint ldg, float scale, int r0, int r1, int rows, float* end)
        where TClasses : struct, ICompileTimeCount where TGrad : struct, ICompileTimeFlag where TFull : struct, ICompileTimeFlag
    {
        bool grad = TGrad.Value, full = TFull.Value;
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
            Vector512<double> sumLo = Avx512F.ConvertToVector512Double(sum.GetLower()), sumHi = Avx512F.ConvertToVector512Double(sum.GetUpper());
            products *= sumLo * sumHi;
            shifts += Avx512F.ConvertToVector512Double(sy.GetLower()) - Avx512F.ConvertToVector512Double(max.GetLower())
                + (Avx512F.ConvertToVector512Double(sy.GetUpper()) - Avx512F.ConvertToVector512Double(max.GetUpper()));
            if (grad)
            {
                Vector512<float> inv = vscale / sum;
                Vector512<float> gy = -(others * inv);
                t0 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(0)).AsSingle(), gy, t0 * inv);
                if (c > 1) t1 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(1)).AsSingle(), gy, t1 * inv);
                if (c > 2) t2 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(2)).AsSingle(), gy, t2 * inv);
                if (c > 3) t3 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(3)).AsSingle(), gy, t3 * inv);
                if (c > 4) t4 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(4)).AsSingle(), gy, t4 * inv);
                if (c > 5) t5 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(5)).AsSingle(), gy, t5 * inv);
                if (c > 6) t6 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(6)).AsSingle(), gy, t6 * inv);
                if (c > 7) t7 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(7)).AsSingle(), gy, t7 * inv);
                if (c > 8) t8 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(8)).AsSingle(), gy, t8 * inv);
                if (c > 9) t9 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(9)).AsSingle(), gy, t9 * inv);
                if (c > 10) t10 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(10)).AsSingle(), gy, t10 * inv);
                if (c > 11) t11 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(11)).AsSingle(), gy, t11 * inv);
                if (c > 12) t12 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(12)).AsSingle(), gy, t12 * inv);
                if (c > 13) t13 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(13)).AsSingle(), gy, t13 * inv);
                if (c > 14) t14 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(14)).AsSingle(), gy, t14 * inv);
                if (c > 15) t15 = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(15)).AsSingle(), gy, t15 * inv);
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
                total += SumOfLogs(products);
                products = Vector512<double>.One;
                pending = 0;
            }
        }
        return total + SumOfLogs(products) - Vector512.Sum(shifts);
    }

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
