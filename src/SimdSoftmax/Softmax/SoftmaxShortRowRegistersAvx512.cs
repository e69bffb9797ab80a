using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: a group of 16 rows lives in zmm registers, which needs AVX-512's 32 (AVX2 has only the tile kernel). The
/// 16×16 transposes are written out inline rather than shared with <see cref="Transpose16x16Avx512"/>: a shared in-register transpose taking and returning the 16 vectors as
/// one struct measured 0.54–0.59× this kernel's speed at C = 10 (Zen 4, 64 KB batches; the JIT kept the struct on the stack).
/// Softmax / log-softmax of rows of at most <see cref="MaxCols"/> floats (the classifier's C = 10), 16 rows per group,
/// with the whole group held in zmm registers: 16 row loads, a 16×16 transpose (lane r of column vector j is
/// x[r, j]), row max, exp, Σ and the scaling as vertical operations on the first cols column vectors, the transpose
/// back and 16 k-masked row stores. Unlike the tile kernel (<see cref="SoftmaxShortRowTileAvx512"/>) nothing goes
/// through a stack tile: that kernel spent about half its time storing and reloading the tile and in the calls
/// around its transposes. The arithmetic (order of the max, the two partial sums, 1/Σ then multiply, (x − max) −
/// log Σ) is the tile kernel's, so results are bitwise the same.
/// </summary>
/// <remarks>
/// <para>The group loop is specialized per row length (1…16, <see cref="ICompileTimeCount"/>) and per (log, full
/// loads) (<see cref="ICompileTimeFlag"/>): with the length a JIT constant the columns past the row are dead code,
/// so at C = 10 the group fits the 32 zmm registers with no spills; with a runtime length the six unused columns
/// stayed live and the exp constants spilled.</para>
/// <para>Groups whose 16 full-width row loads stay inside x load whole 16-float vectors (the floats past a row's end
/// belong to the next rows and land in columns that are never used); the last group(s) use k-masked loads of the
/// row's real length near the end of the span and skip absent rows. Stores are always k-masked to the row length:
/// nothing outside y is written, and in place is safe because a group is read whole before it is written.</para>
/// </remarks>
internal static unsafe class SoftmaxShortRowRegistersAvx512
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 16;
    /// <summary>Longest row this kernel takes (one zmm per column).</summary>
    public const int MaxCols = 16;

    /// <summary>Softmax (or log-softmax) of <paramref name="rows"/> rows of <paramref name="cols"/> floats; y may be x.</summary>
    public static void Rows(float* x, float* y, int rows, int cols, bool log)
    {
        switch (cols)
        {
            case 1: Rows<Count1>(x, y, rows, log); break;
            case 2: Rows<Count2>(x, y, rows, log); break;
            case 3: Rows<Count3>(x, y, rows, log); break;
            case 4: Rows<Count4>(x, y, rows, log); break;
            case 5: Rows<Count5>(x, y, rows, log); break;
            case 6: Rows<Count6>(x, y, rows, log); break;
            case 7: Rows<Count7>(x, y, rows, log); break;
            case 8: Rows<Count8>(x, y, rows, log); break;
            case 9: Rows<Count9>(x, y, rows, log); break;
            case 10: Rows<Count10>(x, y, rows, log); break;
            case 11: Rows<Count11>(x, y, rows, log); break;
            case 12: Rows<Count12>(x, y, rows, log); break;
            case 13: Rows<Count13>(x, y, rows, log); break;
            case 14: Rows<Count14>(x, y, rows, log); break;
            case 15: Rows<Count15>(x, y, rows, log); break;
            case 16: Rows<Count16>(x, y, rows, log); break;
            default: throw new UnreachableException();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows<TCols>(float* x, float* y, int rows, bool log) where TCols : struct, ICompileTimeCount
    {
        int cols = TCols.Value;
        Debug.Assert(cols is >= 1 and <= MaxCols && rows >= 0);
        float* end = x + (nint)rows * cols;
        // Groups [0, full) load every row with a whole 16-float vector that ends inside x.
        int full = rows / Group * Group;
        while (full > 0 && (nint)(full - 1) * cols + Group > (nint)rows * cols) full -= Group;
        if (log)
        {
            Groups<TCols, FlagOn, FlagOn>(x, y, 0, full, rows, end);
            Groups<TCols, FlagOn, FlagOff>(x, y, full, rows, rows, end);
        }
        else
        {
            Groups<TCols, FlagOff, FlagOn>(x, y, 0, full, rows, end);
            Groups<TCols, FlagOff, FlagOff>(x, y, full, rows, rows, end);
        }
    }

    /// <summary>
    /// Rows [r0, r1) of <typeparamref name="TCols"/> floats in groups of 16 (the last one may be shorter). <typeparamref name="TFull"/>: every group has 16
    /// rows and every 16-float load from a row start ends at or before <paramref name="end"/>; otherwise rows past
    /// <paramref name="rows"/> are zeros (and not stored) and loads that would cross end are k-masked to the row length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Groups<TCols, TLog, TFull>(float* px, float* py, int r0, int r1, int rows, float* end)
        where TCols : struct, ICompileTimeCount where TLog : struct, ICompileTimeFlag where TFull : struct, ICompileTimeFlag
    {
        bool log = TLog.Value, full = TFull.Value;
        int cols = TCols.Value;
        nint ld = cols;
        Vector512<float> colMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols)).AsSingle();
        for (; r0 < r1; r0 += Group)
        {
            int n = full ? Group : Math.Min(Group, rows - r0);
            float* x = px + (nint)r0 * ld, y = py + (nint)r0 * ld;
            Vector512<float> x0 = full ? Vector512.Load(x + 0 * ld) : LoadRow(x + 0 * ld, 0 < n, colMask, end);
            Vector512<float> x1 = full ? Vector512.Load(x + 1 * ld) : LoadRow(x + 1 * ld, 1 < n, colMask, end);
            Vector512<float> x2 = full ? Vector512.Load(x + 2 * ld) : LoadRow(x + 2 * ld, 2 < n, colMask, end);
            Vector512<float> x3 = full ? Vector512.Load(x + 3 * ld) : LoadRow(x + 3 * ld, 3 < n, colMask, end);
            Vector512<float> x4 = full ? Vector512.Load(x + 4 * ld) : LoadRow(x + 4 * ld, 4 < n, colMask, end);
            Vector512<float> x5 = full ? Vector512.Load(x + 5 * ld) : LoadRow(x + 5 * ld, 5 < n, colMask, end);
            Vector512<float> x6 = full ? Vector512.Load(x + 6 * ld) : LoadRow(x + 6 * ld, 6 < n, colMask, end);
            Vector512<float> x7 = full ? Vector512.Load(x + 7 * ld) : LoadRow(x + 7 * ld, 7 < n, colMask, end);
            Vector512<float> x8 = full ? Vector512.Load(x + 8 * ld) : LoadRow(x + 8 * ld, 8 < n, colMask, end);
            Vector512<float> x9 = full ? Vector512.Load(x + 9 * ld) : LoadRow(x + 9 * ld, 9 < n, colMask, end);
            Vector512<float> x10 = full ? Vector512.Load(x + 10 * ld) : LoadRow(x + 10 * ld, 10 < n, colMask, end);
            Vector512<float> x11 = full ? Vector512.Load(x + 11 * ld) : LoadRow(x + 11 * ld, 11 < n, colMask, end);
            Vector512<float> x12 = full ? Vector512.Load(x + 12 * ld) : LoadRow(x + 12 * ld, 12 < n, colMask, end);
            Vector512<float> x13 = full ? Vector512.Load(x + 13 * ld) : LoadRow(x + 13 * ld, 13 < n, colMask, end);
            Vector512<float> x14 = full ? Vector512.Load(x + 14 * ld) : LoadRow(x + 14 * ld, 14 < n, colMask, end);
            Vector512<float> x15 = full ? Vector512.Load(x + 15 * ld) : LoadRow(x + 15 * ld, 15 < n, colMask, end);
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
            if (cols > 1) m1 = Avx512F.Max(t1, m1);
            if (cols > 2) m0 = Avx512F.Max(t2, m0);
            if (cols > 3) m1 = Avx512F.Max(t3, m1);
            if (cols > 4) m0 = Avx512F.Max(t4, m0);
            if (cols > 5) m1 = Avx512F.Max(t5, m1);
            if (cols > 6) m0 = Avx512F.Max(t6, m0);
            if (cols > 7) m1 = Avx512F.Max(t7, m1);
            if (cols > 8) m0 = Avx512F.Max(t8, m0);
            if (cols > 9) m1 = Avx512F.Max(t9, m1);
            if (cols > 10) m0 = Avx512F.Max(t10, m0);
            if (cols > 11) m1 = Avx512F.Max(t11, m1);
            if (cols > 12) m0 = Avx512F.Max(t12, m0);
            if (cols > 13) m1 = Avx512F.Max(t13, m1);
            if (cols > 14) m0 = Avx512F.Max(t14, m0);
            if (cols > 15) m1 = Avx512F.Max(t15, m1);
            Vector512<float> max = Avx512F.Max(m0, m1);
            t0 -= max;
            Vector512<float> s0 = ExpRr2P5.Exp(t0), s1 = Vector512<float>.Zero;
            if (!log) t0 = s0;
            if (cols > 1) { t1 -= max; Vector512<float> e = ExpRr2P5.Exp(t1); s1 += e; if (!log) t1 = e; }
            if (cols > 2) { t2 -= max; Vector512<float> e = ExpRr2P5.Exp(t2); s0 += e; if (!log) t2 = e; }
            if (cols > 3) { t3 -= max; Vector512<float> e = ExpRr2P5.Exp(t3); s1 += e; if (!log) t3 = e; }
            if (cols > 4) { t4 -= max; Vector512<float> e = ExpRr2P5.Exp(t4); s0 += e; if (!log) t4 = e; }
            if (cols > 5) { t5 -= max; Vector512<float> e = ExpRr2P5.Exp(t5); s1 += e; if (!log) t5 = e; }
            if (cols > 6) { t6 -= max; Vector512<float> e = ExpRr2P5.Exp(t6); s0 += e; if (!log) t6 = e; }
            if (cols > 7) { t7 -= max; Vector512<float> e = ExpRr2P5.Exp(t7); s1 += e; if (!log) t7 = e; }
            if (cols > 8) { t8 -= max; Vector512<float> e = ExpRr2P5.Exp(t8); s0 += e; if (!log) t8 = e; }
            if (cols > 9) { t9 -= max; Vector512<float> e = ExpRr2P5.Exp(t9); s1 += e; if (!log) t9 = e; }
            if (cols > 10) { t10 -= max; Vector512<float> e = ExpRr2P5.Exp(t10); s0 += e; if (!log) t10 = e; }
            if (cols > 11) { t11 -= max; Vector512<float> e = ExpRr2P5.Exp(t11); s1 += e; if (!log) t11 = e; }
            if (cols > 12) { t12 -= max; Vector512<float> e = ExpRr2P5.Exp(t12); s0 += e; if (!log) t12 = e; }
            if (cols > 13) { t13 -= max; Vector512<float> e = ExpRr2P5.Exp(t13); s1 += e; if (!log) t13 = e; }
            if (cols > 14) { t14 -= max; Vector512<float> e = ExpRr2P5.Exp(t14); s0 += e; if (!log) t14 = e; }
            if (cols > 15) { t15 -= max; Vector512<float> e = ExpRr2P5.Exp(t15); s1 += e; if (!log) t15 = e; }
            Vector512<float> sum = s0 + s1;
            if (log)
            {
                Vector512<float> logSum = LogAtanhSeries.Log(sum);
                t0 -= logSum;
                if (cols > 1) t1 -= logSum;
                if (cols > 2) t2 -= logSum;
                if (cols > 3) t3 -= logSum;
                if (cols > 4) t4 -= logSum;
                if (cols > 5) t5 -= logSum;
                if (cols > 6) t6 -= logSum;
                if (cols > 7) t7 -= logSum;
                if (cols > 8) t8 -= logSum;
                if (cols > 9) t9 -= logSum;
                if (cols > 10) t10 -= logSum;
                if (cols > 11) t11 -= logSum;
                if (cols > 12) t12 -= logSum;
                if (cols > 13) t13 -= logSum;
                if (cols > 14) t14 -= logSum;
                if (cols > 15) t15 -= logSum;
            }
            else
            {
                Vector512<float> inverse = Vector512<float>.One / sum;
                t0 *= inverse;
                if (cols > 1) t1 *= inverse;
                if (cols > 2) t2 *= inverse;
                if (cols > 3) t3 *= inverse;
                if (cols > 4) t4 *= inverse;
                if (cols > 5) t5 *= inverse;
                if (cols > 6) t6 *= inverse;
                if (cols > 7) t7 *= inverse;
                if (cols > 8) t8 *= inverse;
                if (cols > 9) t9 *= inverse;
                if (cols > 10) t10 *= inverse;
                if (cols > 11) t11 *= inverse;
                if (cols > 12) t12 *= inverse;
                if (cols > 13) t13 *= inverse;
                if (cols > 14) t14 *= inverse;
                if (cols > 15) t15 *= inverse;
            }
            Vector512<float> oa0 = Avx512F.UnpackLow((cols > 0 ? t0 : Vector512<float>.Zero), (cols > 1 ? t1 : Vector512<float>.Zero)), oa1 = Avx512F.UnpackHigh((cols > 0 ? t0 : Vector512<float>.Zero), (cols > 1 ? t1 : Vector512<float>.Zero));
            Vector512<float> oa2 = Avx512F.UnpackLow((cols > 2 ? t2 : Vector512<float>.Zero), (cols > 3 ? t3 : Vector512<float>.Zero)), oa3 = Avx512F.UnpackHigh((cols > 2 ? t2 : Vector512<float>.Zero), (cols > 3 ? t3 : Vector512<float>.Zero));
            Vector512<float> oa4 = Avx512F.UnpackLow((cols > 4 ? t4 : Vector512<float>.Zero), (cols > 5 ? t5 : Vector512<float>.Zero)), oa5 = Avx512F.UnpackHigh((cols > 4 ? t4 : Vector512<float>.Zero), (cols > 5 ? t5 : Vector512<float>.Zero));
            Vector512<float> oa6 = Avx512F.UnpackLow((cols > 6 ? t6 : Vector512<float>.Zero), (cols > 7 ? t7 : Vector512<float>.Zero)), oa7 = Avx512F.UnpackHigh((cols > 6 ? t6 : Vector512<float>.Zero), (cols > 7 ? t7 : Vector512<float>.Zero));
            Vector512<float> oa8 = Avx512F.UnpackLow((cols > 8 ? t8 : Vector512<float>.Zero), (cols > 9 ? t9 : Vector512<float>.Zero)), oa9 = Avx512F.UnpackHigh((cols > 8 ? t8 : Vector512<float>.Zero), (cols > 9 ? t9 : Vector512<float>.Zero));
            Vector512<float> oa10 = Avx512F.UnpackLow((cols > 10 ? t10 : Vector512<float>.Zero), (cols > 11 ? t11 : Vector512<float>.Zero)), oa11 = Avx512F.UnpackHigh((cols > 10 ? t10 : Vector512<float>.Zero), (cols > 11 ? t11 : Vector512<float>.Zero));
            Vector512<float> oa12 = Avx512F.UnpackLow((cols > 12 ? t12 : Vector512<float>.Zero), (cols > 13 ? t13 : Vector512<float>.Zero)), oa13 = Avx512F.UnpackHigh((cols > 12 ? t12 : Vector512<float>.Zero), (cols > 13 ? t13 : Vector512<float>.Zero));
            Vector512<float> oa14 = Avx512F.UnpackLow((cols > 14 ? t14 : Vector512<float>.Zero), (cols > 15 ? t15 : Vector512<float>.Zero)), oa15 = Avx512F.UnpackHigh((cols > 14 ? t14 : Vector512<float>.Zero), (cols > 15 ? t15 : Vector512<float>.Zero));
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
            if (full || 0 < n) Avx512F.MaskStore(y + 0 * ld, colMask, o0);
            if (full || 1 < n) Avx512F.MaskStore(y + 1 * ld, colMask, o1);
            if (full || 2 < n) Avx512F.MaskStore(y + 2 * ld, colMask, o2);
            if (full || 3 < n) Avx512F.MaskStore(y + 3 * ld, colMask, o3);
            if (full || 4 < n) Avx512F.MaskStore(y + 4 * ld, colMask, o4);
            if (full || 5 < n) Avx512F.MaskStore(y + 5 * ld, colMask, o5);
            if (full || 6 < n) Avx512F.MaskStore(y + 6 * ld, colMask, o6);
            if (full || 7 < n) Avx512F.MaskStore(y + 7 * ld, colMask, o7);
            if (full || 8 < n) Avx512F.MaskStore(y + 8 * ld, colMask, o8);
            if (full || 9 < n) Avx512F.MaskStore(y + 9 * ld, colMask, o9);
            if (full || 10 < n) Avx512F.MaskStore(y + 10 * ld, colMask, o10);
            if (full || 11 < n) Avx512F.MaskStore(y + 11 * ld, colMask, o11);
            if (full || 12 < n) Avx512F.MaskStore(y + 12 * ld, colMask, o12);
            if (full || 13 < n) Avx512F.MaskStore(y + 13 * ld, colMask, o13);
            if (full || 14 < n) Avx512F.MaskStore(y + 14 * ld, colMask, o14);
            if (full || 15 < n) Avx512F.MaskStore(y + 15 * ld, colMask, o15);
        }
    }

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
