using System.Runtime.Intrinsics;

namespace SimdSoftmax;

/// <summary>
/// Numerically stable softmax and log-softmax over the rows of a row-major matrix.
/// </summary>
/// <remarks>
/// <para>Each row is shifted by its maximum before exponentiation, so large inputs such as <c>[123, 456, 789]</c>
/// give finite probabilities that sum to 1.</para>
/// <para>Special values follow IEEE arithmetic on <c>exp(x − max) / Σ exp(x − max)</c>, as PyTorch does:
/// an entry of −∞ gets probability 0 (log-probability −∞) while the rest of the row is normal;
/// a row whose entries are all −∞, or that contains +∞ or NaN, becomes all NaN.</para>
/// </remarks>
public static partial class Softmax
{
    /// <summary><c>y[r, j] = exp(x[r, j] − max_r) / Σ_j exp(x[r, j] − max_r)</c> for every row r of <paramref name="cols"/> elements.</summary>
    /// <param name="x">Rows of <paramref name="cols"/> elements, back to back; its length must be a multiple of cols.</param>
    /// <param name="y">Output, same length as x. May be x itself (in place); must not otherwise overlap it.</param>
    /// <param name="cols">Row length, at least 1 when there are rows (an empty x allows any cols ≥ 0).</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is negative, or 0 with a non-empty x.</exception>
    /// <exception cref="ArgumentException">A length does not fit, or y partly overlaps x.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void Rows(ReadOnlySpan<float> x, Span<float> y, int cols, KernelPath path = KernelPath.Auto)
    {
        bool any = Validate(x, y, cols);
        KernelPath resolved = KernelPaths.Resolve(path);
        if (!any) return;
        switch (resolved)
        {
            case KernelPath.Avx512: SoftmaxRows<Avx512Isa, Vector512<float>>.Rows(x, y, cols, log: false); break;
            case KernelPath.Avx2: SoftmaxRows<Avx2Isa, Vector256<float>>.Rows(x, y, cols, log: false); break;
            default: SoftmaxScalar.Rows(x, y, cols, log: false); break;
        }
    }

    /// <summary><c>y[r, j] = x[r, j] − max_r − log Σ_j exp(x[r, j] − max_r)</c> for every row r of <paramref name="cols"/> elements.</summary>
    /// <param name="x">Rows of <paramref name="cols"/> elements, back to back; its length must be a multiple of cols.</param>
    /// <param name="y">Output, same length as x. May be x itself (in place); must not otherwise overlap it.</param>
    /// <param name="cols">Row length, at least 1 when there are rows (an empty x allows any cols ≥ 0).</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is negative, or 0 with a non-empty x.</exception>
    /// <exception cref="ArgumentException">A length does not fit, or y partly overlaps x.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void LogRows(ReadOnlySpan<float> x, Span<float> y, int cols, KernelPath path = KernelPath.Auto)
    {
        bool any = Validate(x, y, cols);
        KernelPath resolved = KernelPaths.Resolve(path);
        if (!any) return;
        switch (resolved)
        {
            case KernelPath.Avx512: SoftmaxRows<Avx512Isa, Vector512<float>>.Rows(x, y, cols, log: true); break;
            case KernelPath.Avx2: SoftmaxRows<Avx2Isa, Vector256<float>>.Rows(x, y, cols, log: true); break;
            default: SoftmaxScalar.Rows(x, y, cols, log: true); break;
        }
    }

    /// <summary>Checks the dense overloads' arguments; false when there is nothing to do (no rows).</summary>
    private static bool Validate(ReadOnlySpan<float> x, Span<float> y, int cols)
    {
        Require.NonNegative(cols);
        if (cols == 0)
        {
            if (!x.IsEmpty)
                throw new ArgumentOutOfRangeException(nameof(cols), cols, "A row needs at least one column when there are rows (rows = 0 allows any cols ≥ 0).");
            Require.Length(y.Length, 0, nameof(y));
            return false;
        }
        if (x.Length % cols != 0)
            throw new ArgumentException($"x holds {x.Length} elements, which is not a whole number of rows of {cols}.", nameof(x));
        Require.Length(y.Length, x.Length, nameof(y));
        Require.SameOrNoOverlap(x, y, nameof(x), nameof(y));
        return true;
    }
}
