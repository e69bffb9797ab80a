namespace SimdSoftmax;

/// <summary>Boundary checks of the row-strided entries (softmax, log-softmax, cross-entropy), before anything is written.</summary>
internal static class RowMatrix
{
    /// <summary>
    /// rows ≥ 0, cols ≥ 0, and cols ≥ 1 when there are rows (a row of nothing has no softmax and no class): the one empty-input
    /// rule of every row family. threads ≥ 0.
    /// </summary>
    public static void Shape(int rows, int cols, int threads)
    {
        Require.NonNegative(rows);
        Require.NonNegative(cols);
        if (cols == 0 && rows > 0)
            throw new ArgumentOutOfRangeException(nameof(cols), cols, "A row needs at least one column when there are rows (rows = 0 allows any cols ≥ 0).");
        Require.NonNegative(threads);
    }

    /// <summary>The first (rows−1)·ld + cols elements of a span checked to hold a rows×cols matrix with row stride ld.</summary>
    public static ReadOnlySpan<float> Slice(ReadOnlySpan<float> span, int rows, int cols, int ld, string spanName, string ldName)
    {
        Require.Matrix(span.Length, rows, cols, ld, spanName, ldName);
        return span[..(int)Require.MinimumLength(rows, cols, ld)];
    }

    /// <inheritdoc cref="Slice(ReadOnlySpan{float}, int, int, int, string, string)"/>
    public static Span<float> Slice(Span<float> span, int rows, int cols, int ld, string spanName, string ldName)
    {
        Require.Matrix(span.Length, rows, cols, ld, spanName, ldName);
        return span[..(int)Require.MinimumLength(rows, cols, ld)];
    }
}
