using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: AVX2's cross-entropy on rows of 9…16 classes (the classifier's C = 10) with each group of 8 rows held in
/// ymm registers instead of the stack tile of <see cref="CrossEntropyShortRowTileAvx2"/>, as
/// <see cref="SoftmaxShortRowRegistersAvx2"/>: two 8×8 transposes in registers (columns 0…7 and the 8 columns ending
/// at the row's end, of which only those past 7 are kept), so lane r of column vector j is logit (r, j); row max,
/// s_y, e = exp(s − max), Σ_{j≠y} e_j and e_y, the loss terms and <c>(p − onehot)·scale</c> as vertical operations;
/// two transposes back written as plain 8-float row stores (the second rewrites the overlapping columns with the same
/// values). No masked load or store (vmaskmovps is microcoded on AMD), no tile round trip through memory.
/// </summary>
/// <remarks>
/// <para>The arithmetic is the tile kernel's, operation for operation (max over even and odd columns, s_y and e_y by
/// selects in column order, Σ_{j≠y} e_j summed in column order from 0, the gradient <c>e·(scale/Σ)</c> and
/// <c>−others·(scale/Σ)</c>, one log per group of the product of the 8 row sums in double after the stores), so
/// results are bitwise the tile kernel's. The log is a call, and every ymm register is caller-saved: it comes after the
/// stores, when nothing of the group is live.</para>
/// <para>Whole groups of 8 rows only, as the tile kernel; the row length is a JIT constant (<see cref="ICompileTimeCount"/>),
/// so the columns past the row are dead code. Every load and store lies inside its row (C ≥ 9 &gt; 8), so any row
/// strides ≥ C work. In place (g == s) is safe: a group is read whole before it is written.</para>
/// </remarks>
internal static unsafe class CrossEntropyShortRowRegistersAvx2
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 8;
    /// <summary>Fewest classes this kernel takes (it loads 8 whole floats from a row's start and end).</summary>
    public const int MinClasses = 9;
    /// <summary>Most classes this kernel takes.</summary>
    public const int MaxClasses = 16;

    /// <summary>
    /// Rows [0, rows) (a multiple of <see cref="Group"/>) of <paramref name="c"/> logits, row stride <paramref name="ld"/>:
    /// returns Σ row losses; when <paramref name="g"/> is not null writes <c>(p − onehot)·scale</c> (row stride <paramref name="ldg"/>).
    /// </summary>
    public static double Run(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        c switch
        {
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
    private static double Run<TClasses>(float* s, int* labels, int rows, int ld, float* g, int ldg, float scale) where TClasses : struct, ICompileTimeCount =>
        g != null ? Groups<TClasses, FlagOn>(s, labels, rows, ld, g, ldg, scale) : Groups<TClasses, FlagOff>(s, labels, rows, ld, g, ldg, scale);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Groups<TClasses, TGrad>(float* ps, int* labels, int rows, nint ld, float* pg, nint ldg, float scale)
        where TClasses : struct, ICompileTimeCount where TGrad : struct, ICompileTimeFlag
    {
        int c = TClasses.Value;
        bool grad = TGrad.Value;
        Debug.Assert(c is >= MinClasses and <= MaxClasses && rows % Group == 0 && ld >= c && (!grad || ldg >= c));
        Vector256<float> vscale = Vector256.Create(scale);
        double total = 0;
        for (int r = 0; r < rows; r += Group)
        {
            float* x = ps + r * ld;
            Vector256<int> label = Vector256.Load(labels + r);
            ShortRowRegistersAvx2.LoadColumns(x, ld, c,
                out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3,
                out Vector256<float> t4, out Vector256<float> t5, out Vector256<float> t6, out Vector256<float> t7,
                out Vector256<float> t8, out Vector256<float> t9, out Vector256<float> t10, out Vector256<float> t11,
                out Vector256<float> t12, out Vector256<float> t13, out Vector256<float> t14, out Vector256<float> t15);

            Vector256<float> max = ShortRowRegistersAvx2.ColumnMax(c, t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);

            // s_y by selects in column order, as the tile.
            Vector256<float> sy = Vector256<float>.Zero;
            sy = PickLabel(label, 0, t0, sy); sy = PickLabel(label, 1, t1, sy); sy = PickLabel(label, 2, t2, sy); sy = PickLabel(label, 3, t3, sy);
            sy = PickLabel(label, 4, t4, sy); sy = PickLabel(label, 5, t5, sy); sy = PickLabel(label, 6, t6, sy); sy = PickLabel(label, 7, t7, sy);
            sy = PickLabel(label, 8, t8, sy);
            if (c > 9) sy = PickLabel(label, 9, t9, sy);
            if (c > 10) sy = PickLabel(label, 10, t10, sy);
            if (c > 11) sy = PickLabel(label, 11, t11, sy);
            if (c > 12) sy = PickLabel(label, 12, t12, sy);
            if (c > 13) sy = PickLabel(label, 13, t13, sy);
            if (c > 14) sy = PickLabel(label, 14, t14, sy);
            if (c > 15) sy = PickLabel(label, 15, t15, sy);

            // e = exp(s − max); Σ_{j≠y} e_j from 0 in column order and e_y, as the tile.
            Vector256<float> others = Vector256<float>.Zero, ey = Vector256<float>.Zero;
            Vector256<float> e0 = ExpStep(t0, max, label, 0, ref others, ref ey), e1 = ExpStep(t1, max, label, 1, ref others, ref ey);
            Vector256<float> e2 = ExpStep(t2, max, label, 2, ref others, ref ey), e3 = ExpStep(t3, max, label, 3, ref others, ref ey);
            Vector256<float> e4 = ExpStep(t4, max, label, 4, ref others, ref ey), e5 = ExpStep(t5, max, label, 5, ref others, ref ey);
            Vector256<float> e6 = ExpStep(t6, max, label, 6, ref others, ref ey), e7 = ExpStep(t7, max, label, 7, ref others, ref ey);
            Vector256<float> e8 = ExpStep(t8, max, label, 8, ref others, ref ey);
            Vector256<float> e9 = c > 9 ? ExpStep(t9, max, label, 9, ref others, ref ey) : default;
            Vector256<float> e10 = c > 10 ? ExpStep(t10, max, label, 10, ref others, ref ey) : default;
            Vector256<float> e11 = c > 11 ? ExpStep(t11, max, label, 11, ref others, ref ey) : default;
            Vector256<float> e12 = c > 12 ? ExpStep(t12, max, label, 12, ref others, ref ey) : default;
            Vector256<float> e13 = c > 13 ? ExpStep(t13, max, label, 13, ref others, ref ey) : default;
            Vector256<float> e14 = c > 14 ? ExpStep(t14, max, label, 14, ref others, ref ey) : default;
            Vector256<float> e15 = c > 15 ? ExpStep(t15, max, label, 15, ref others, ref ey) : default;

            // Σ_rows log(others + e_y) − (s_y − max), in double: the product of the 8 sums (each in [1, C]) and the shift
            // now, the log after the stores.
            Vector256<double> sumLo = Avx.ConvertToVector256Double(others.GetLower()) + Avx.ConvertToVector256Double(ey.GetLower());
            Vector256<double> sumHi = Avx.ConvertToVector256Double(others.GetUpper()) + Avx.ConvertToVector256Double(ey.GetUpper());
            Vector256<double> p4 = sumLo * sumHi;
            Vector128<double> p2 = p4.GetLower() * p4.GetUpper();
            double product = p2.ToScalar() * p2.GetElement(1);
            double shift = Vector256.Sum(Avx.ConvertToVector256Double(sy.GetLower()) - Avx.ConvertToVector256Double(max.GetLower())
                + (Avx.ConvertToVector256Double(sy.GetUpper()) - Avx.ConvertToVector256Double(max.GetUpper())));

            if (grad)
            {
                Vector256<float> inv = vscale / (others + ey);
                Vector256<float> gy = -(others * inv);
                Vector256<float> o0 = GradStep(e0, inv, gy, label, 0), o1 = GradStep(e1, inv, gy, label, 1);
                Vector256<float> o2 = GradStep(e2, inv, gy, label, 2), o3 = GradStep(e3, inv, gy, label, 3);
                Vector256<float> o4 = GradStep(e4, inv, gy, label, 4), o5 = GradStep(e5, inv, gy, label, 5);
                Vector256<float> o6 = GradStep(e6, inv, gy, label, 6), o7 = GradStep(e7, inv, gy, label, 7);
                Vector256<float> o8 = GradStep(e8, inv, gy, label, 8);
                Vector256<float> o9 = c > 9 ? GradStep(e9, inv, gy, label, 9) : default;
                Vector256<float> o10 = c > 10 ? GradStep(e10, inv, gy, label, 10) : default;
                Vector256<float> o11 = c > 11 ? GradStep(e11, inv, gy, label, 11) : default;
                Vector256<float> o12 = c > 12 ? GradStep(e12, inv, gy, label, 12) : default;
                Vector256<float> o13 = c > 13 ? GradStep(e13, inv, gy, label, 13) : default;
                Vector256<float> o14 = c > 14 ? GradStep(e14, inv, gy, label, 14) : default;
                Vector256<float> o15 = c > 15 ? GradStep(e15, inv, gy, label, 15) : default;

                float* y = pg + r * ldg;
                ShortRowRegistersAvx2.StoreColumns(y, ldg, c, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15);
            }
            total += Math.Log(product) - shift;
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> PickLabel(Vector256<int> label, int j, Vector256<float> t, Vector256<float> acc) =>
        Vector256.ConditionalSelect(Vector256.Equals(label, Vector256.Create(j)).AsSingle(), t, acc);

    /// <summary>exp(t − max); adds it to <paramref name="others"/> off the label's column, takes it as e_y on it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpStep(Vector256<float> t, Vector256<float> max, Vector256<int> label, int j,
        ref Vector256<float> others, ref Vector256<float> ey)
    {
        Vector256<float> e = ExpRr2P5.Exp(t - max);
        Vector256<float> isY = Vector256.Equals(label, Vector256.Create(j)).AsSingle();
        others += Vector256.AndNot(e, isY);
        ey = Vector256.ConditionalSelect(isY, e, ey);
        return e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GradStep(Vector256<float> e, Vector256<float> inv, Vector256<float> gy, Vector256<int> label, int j) =>
        Vector256.ConditionalSelect(Vector256.Equals(label, Vector256.Create(j)).AsSingle(), gy, e * inv);
}
