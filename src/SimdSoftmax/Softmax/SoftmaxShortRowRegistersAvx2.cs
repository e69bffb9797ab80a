using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: AVX2's counterpart of <see cref="SoftmaxShortRowRegistersAvx512"/> for rows of 9…16 floats (the
/// classifier's C = 10), 8 rows per group held in ymm registers instead of the stack tile of
/// <see cref="SoftmaxShortRowTileAvx2"/>: two 8×8 transposes in registers (columns 0…7 and the 8 columns ending at the
/// row's end, of which only the columns past 7 are kept), max, exp, Σ and the scaling as vertical operations on the
/// cols column vectors, and two transposes back written as plain 8-float row stores (the second one rewrites the
/// overlapping columns with the same values). No masked load or store (vmaskmovps is microcoded on AMD), no tile
/// round trip through memory. The arithmetic (order of the max, the two partial sums, 1/Σ then multiply,
/// (x − max) − log Σ) is the tile kernel's, so results are bitwise the same.
/// </summary>
/// <remarks>
/// Whole groups of 8 rows only: the caller sends the last rows·cols mod 8 rows to the tile kernel. The row length is
/// a JIT constant (<see cref="ICompileTimeCount"/>), so the columns past the row are dead code.
/// </remarks>
internal static unsafe class SoftmaxShortRowRegistersAvx2
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 8;
    /// <summary>Shortest row this kernel takes (it loads 8 whole floats from a row's start and end).</summary>
    public const int MinCols = 9;
    /// <summary>Longest row this kernel takes.</summary>
    public const int MaxCols = 16;

    /// <summary>
    /// Softmax (or log-softmax) of the rows of <paramref name="cols"/> floats in the whole groups of 8 among the first
    /// <paramref name="rows"/>; returns the number of rows done (a multiple of 8). y may be x.
    /// </summary>
    public static int Rows(float* x, float* y, int rows, int cols, bool log)
    {
        int full = rows / Group * Group;
        switch (cols)
        {
            case 9: Groups<Count9>(x, y, full, log); break;
            case 10: Groups<Count10>(x, y, full, log); break;
            case 11: Groups<Count11>(x, y, full, log); break;
            case 12: Groups<Count12>(x, y, full, log); break;
            case 13: Groups<Count13>(x, y, full, log); break;
            case 14: Groups<Count14>(x, y, full, log); break;
            case 15: Groups<Count15>(x, y, full, log); break;
            case 16: Groups<Count16>(x, y, full, log); break;
            default: throw new UnreachableException();
        }
        return full;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Groups<TCols>(float* x, float* y, int rows, bool log) where TCols : struct, ICompileTimeCount
    {
        if (log) Groups<TCols, FlagOn>(x, y, rows);
        else Groups<TCols, FlagOff>(x, y, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Groups<TCols, TLog>(float* px, float* py, int rows)
        where TCols : struct, ICompileTimeCount where TLog : struct, ICompileTimeFlag
    {
        int cols = TCols.Value;
        bool log = TLog.Value;
        Debug.Assert(cols is >= MinCols and <= MaxCols && rows % Group == 0);
        nint ld = cols;
        for (int g = 0; g < rows; g += Group)
        {
            float* x = px + (nint)g * ld, y = py + (nint)g * ld;
            ShortRowRegistersAvx2.LoadColumns(x, ld, cols,
                out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3,
                out Vector256<float> t4, out Vector256<float> t5, out Vector256<float> t6, out Vector256<float> t7,
                out Vector256<float> t8, out Vector256<float> t9, out Vector256<float> t10, out Vector256<float> t11,
                out Vector256<float> t12, out Vector256<float> t13, out Vector256<float> t14, out Vector256<float> t15);

            Vector256<float> max = ShortRowRegistersAvx2.ColumnMax(cols, t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);

            // Σ exp(x − max): even columns into s0, odd into s1, as ShortRowTileColumns.ExpMinusMax (0 + e = e).
            Vector256<float> e0 = ExpRr2P5.Exp(t0 - max), e1 = ExpRr2P5.Exp(t1 - max);
            Vector256<float> s0 = e0, s1 = e1;
            Vector256<float> e2 = ExpRr2P5.Exp(t2 - max); s0 += e2;
            Vector256<float> e3 = ExpRr2P5.Exp(t3 - max); s1 += e3;
            Vector256<float> e4 = ExpRr2P5.Exp(t4 - max); s0 += e4;
            Vector256<float> e5 = ExpRr2P5.Exp(t5 - max); s1 += e5;
            Vector256<float> e6 = ExpRr2P5.Exp(t6 - max); s0 += e6;
            Vector256<float> e7 = ExpRr2P5.Exp(t7 - max); s1 += e7;
            Vector256<float> e8 = ExpRr2P5.Exp(t8 - max); s0 += e8;
            Vector256<float> e9 = default, e10 = default, e11 = default, e12 = default, e13 = default, e14 = default, e15 = default;
            if (cols > 9) { e9 = ExpRr2P5.Exp(t9 - max); s1 += e9; }
            if (cols > 10) { e10 = ExpRr2P5.Exp(t10 - max); s0 += e10; }
            if (cols > 11) { e11 = ExpRr2P5.Exp(t11 - max); s1 += e11; }
            if (cols > 12) { e12 = ExpRr2P5.Exp(t12 - max); s0 += e12; }
            if (cols > 13) { e13 = ExpRr2P5.Exp(t13 - max); s1 += e13; }
            if (cols > 14) { e14 = ExpRr2P5.Exp(t14 - max); s0 += e14; }
            if (cols > 15) { e15 = ExpRr2P5.Exp(t15 - max); s1 += e15; }
            Vector256<float> sum = s0 + s1;

            // Softmax: e · (1/Σ); log-softmax: (x − max) − log Σ.
            Vector256<float> a, b;
            if (log) { a = max; b = LogAtanhSeries.Log(sum); }
            else { a = Vector256<float>.One / sum; b = default; }
            Vector256<float> o0 = Finish(log, t0, e0, a, b), o1 = Finish(log, t1, e1, a, b), o2 = Finish(log, t2, e2, a, b), o3 = Finish(log, t3, e3, a, b);
            Vector256<float> o4 = Finish(log, t4, e4, a, b), o5 = Finish(log, t5, e5, a, b), o6 = Finish(log, t6, e6, a, b), o7 = Finish(log, t7, e7, a, b);
            Vector256<float> o8 = Finish(log, t8, e8, a, b), o9 = cols > 9 ? Finish(log, t9, e9, a, b) : default;
            Vector256<float> o10 = cols > 10 ? Finish(log, t10, e10, a, b) : default, o11 = cols > 11 ? Finish(log, t11, e11, a, b) : default;
            Vector256<float> o12 = cols > 12 ? Finish(log, t12, e12, a, b) : default, o13 = cols > 13 ? Finish(log, t13, e13, a, b) : default;
            Vector256<float> o14 = cols > 14 ? Finish(log, t14, e14, a, b) : default, o15 = cols > 15 ? Finish(log, t15, e15, a, b) : default;

            ShortRowRegistersAvx2.StoreColumns(y, ld, cols, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15);
        }
    }

    /// <summary>Softmax: e·a (a = 1/Σ); log-softmax: (x − a) − b (a = max, b = log Σ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Finish(bool log, Vector256<float> x, Vector256<float> e, Vector256<float> a, Vector256<float> b) =>
        log ? (x - a) - b : e * a;
}
