using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: built on the AVX2 softmax tile's blocks (8×8 ymm transposes); the AVX-512 path calls it too for 17..64 classes (see <see cref="Avx512Isa.CrossEntropyShortRows"/>).
/// Cross-entropy on short rows (C ≤ <see cref="MaxClasses"/>, the classifier’s C = 10), 8 rows per iteration, used by both SIMD paths, built on
/// the softmax family's short-row blocks: the group is transposed in registers into a column-major tile
/// (<see cref="SoftmaxShortRowTileAvx2.LoadTransposed(float*, nint, int, int, float*)"/>: plain 8-float row accesses for
/// C ≥ 8, masked ones of the real length below), so lane r of column vector j is
/// logit (r, j). Row max (<see cref="ShortRowTileColumns{T, V}.ColumnMax"/>), the exponentials
/// (<see cref="ShortRowTileColumns{T, V}.StoreExpMinusMax"/>), Σ_{j≠y} e_j, the loss terms and the gradient are then
/// full-width vertical operations, and the gradient tile is transposed back into the rows.
/// </summary>
/// <remarks>
/// The sum over the non-label classes is kept apart from e_y so that p_y − 1 = −others/sum keeps its digits when
/// p_y ≈ 1; the 8 loss terms are formed in double (one log of the product of the sums, each in [1, C]).
/// In place (g == s) is safe: the group is read whole before it is written.
/// </remarks>
internal static unsafe class CrossEntropyShortRowTileAvx2
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 8;
    /// <summary>Longest row this kernel takes: the width of the softmax tile it is built on.</summary>
    public const int MaxClasses = SoftmaxShortRowTileAvx2.MaxCols;

    /// <summary>
    /// Rows [0, rows) (a multiple of <see cref="Group"/>) of <paramref name="c"/> logits, row stride <paramref name="ld"/>:
    /// returns Σ row losses; when <paramref name="g"/> is not null writes <c>(p − onehot)·scale</c> (row stride <paramref name="ldg"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        Debug.Assert(rows % Group == 0 && c >= 1 && c <= MaxClasses && c <= SoftmaxShortRowTileAvx2.MaxCols && ld >= c);
        float* buffer = stackalloc float[SoftmaxShortRowTileAvx2.TileBufferFloats];
        float* tile = SoftmaxShortRowTileAvx2.AlignTile(buffer);
        Vector256<float> vscale = Vector256.Create(scale);
        double total = 0;
        for (int r = 0; r < rows; r += Group)
        {
            float* sr = s + (nint)r * ld;
            SoftmaxShortRowTileAvx2.LoadTransposed(sr, ld, c, Group, tile);
            Vector256<int> label = Vector256.Load(labels + r);
            Vector256<float> max = ShortRowTileColumns<Avx2Isa, Vector256<float>>.ColumnMax(tile, c);
            Vector256<float> sy = Vector256<float>.Zero;
            for (int j = 0; j < c; j++)
                sy = Vector256.ConditionalSelect(Vector256.Equals(label, Vector256.Create(j)).AsSingle(), Vector256.Load(tile + j * Group), sy);
            ShortRowTileColumns<Avx2Isa, Vector256<float>>.StoreExpMinusMax(tile, c, max);
            Vector256<float> others = Vector256<float>.Zero, ey = Vector256<float>.Zero;
            for (int j = 0; j < c; j++)
            {
                Vector256<float> e = Vector256.Load(tile + j * Group);
                Vector256<float> isY = Vector256.Equals(label, Vector256.Create(j)).AsSingle();
                others += Vector256.AndNot(e, isY);
                ey = Vector256.ConditionalSelect(isY, e, ey);
            }
            // Σ_rows log(others + e_y) − (s_y − max), in double.
            Vector256<double> sumLo = Avx.ConvertToVector256Double(others.GetLower()) + Avx.ConvertToVector256Double(ey.GetLower());
            Vector256<double> sumHi = Avx.ConvertToVector256Double(others.GetUpper()) + Avx.ConvertToVector256Double(ey.GetUpper());
            Vector256<double> p4 = sumLo * sumHi;
            Vector128<double> p2 = p4.GetLower() * p4.GetUpper();
            double shift = Vector256.Sum(Avx.ConvertToVector256Double(sy.GetLower()) - Avx.ConvertToVector256Double(max.GetLower())
                + (Avx.ConvertToVector256Double(sy.GetUpper()) - Avx.ConvertToVector256Double(max.GetUpper())));
            total += Math.Log(p2.ToScalar() * p2.GetElement(1)) - shift;
            if (g == null) continue;

            Vector256<float> inv = vscale / (others + ey);
            Vector256<float> gy = -(others * inv);
            for (int j = 0; j < c; j++)
            {
                float* col = tile + j * Group;
                Vector256.ConditionalSelect(Vector256.Equals(label, Vector256.Create(j)).AsSingle(), gy, Vector256.Load(col) * inv).Store(col);
            }
            float* gr = g + (nint)r * ldg;
            if (c < Group && ldg == c) SoftmaxShortRowTileAvx2.StoreTransposedPacked(tile, c, Group, gr);
            else SoftmaxShortRowTileAvx2.StoreTransposed(tile, c, Group, gr, ldg);
        }
        return total;
    }
}
