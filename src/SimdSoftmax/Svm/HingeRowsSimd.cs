using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// The multiclass SVM's hinge rows on one ISA's vectors (<see cref="ISvmIsa.HingeRows"/>), written once for both widths.
/// A vector of classes per step; the last step is masked (<c>vmaskmovps</c> on AVX2, a k-mask on AVX-512), which
/// neither reads nor writes the lanes past the row, so a row of C ≤ the width (CIFAR, MNIST) is one load and one store.
/// The hinge terms accumulate in one vector across rows (reduced to double every 64 rows) and each row's count of
/// positive margins is a popcount of the comparison mask, so a short row costs no horizontal reduction.
/// </summary>
internal static unsafe class HingeRowsSimd<T, V> where T : struct, IVectorOps<V> where V : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale)
    {
        int w = T.Width;
        V one = T.Create(1f), zero = T.Zero, vscale = T.Create(scale);
        // Classes past the last full vector: the tail mask is the same for every row.
        V tailMask = T.TailMask(classes % w), allLanes = T.TailMask(w);
        V acc = zero;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int label = labels[r];
            float* sr = s + (nint)r * ld;
            float* gr = g == null ? null : g + (nint)r * ldg;
            V vsy = T.Create(sr[label]);
            V labelLane = T.LabelLanes(label); // zero in the lane of the label
            int count = 0;
            for (int j = 0; j < classes; j += w)
            {
                bool full = classes - j >= w;
                V inRow = full ? allLanes : tailMask;
                V v = full ? T.Load(sr + j) : T.MaskLoad(sr + j, inRow);
                // Same operation order as the reference, (s_j − s_y) + 1, so both paths agree on which margins are positive.
                V m = T.Add(T.Subtract(v, vsy), one);
                V counted = T.AndNot(inRow, T.LanesEqual(labelLane, j));
                V positive = T.And(T.GreaterThan(m, zero), counted);
                V nan = T.And(T.IsNaN(m), counted);
                acc = T.Add(acc, T.And(m, T.Or(positive, nan)));
                count += T.CountSet(positive);
                if (gr != null)
                {
                    V grad = T.And(vscale, positive);
                    if (full) T.Store(grad, gr + j);
                    else T.MaskStore(gr + j, inRow, grad);
                }
            }
            if (gr != null) gr[label] = -(count * scale);
            if ((r & 63) == 63)
            {
                total += T.Sum(acc);
                acc = zero;
            }
        }
        return total + T.Sum(acc);
    }
}
