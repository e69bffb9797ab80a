using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SimdSoftmax;

/// <summary>
/// A 2-D tensor span as the kernels take a matrix: rows, cols, a row stride, and a span over its extent
/// ((rows−1)·ld + cols elements from its first element). The column stride must be 1 (each row contiguous).
/// </summary>
internal static class TensorMatrix
{
    public static ReadOnlySpan<float> Of(in ReadOnlyTensorSpan<float> t, string name, out int rows, out int cols, out int ld)
    {
        long length = Shape(t.Rank, t.Lengths, t.Strides, name, out rows, out cols, out ld);
        return length == 0 ? default : MemoryMarshal.CreateReadOnlySpan(in t.GetPinnableReference(), (int)length);
    }

    public static Span<float> Of(in TensorSpan<float> t, string name, out int rows, out int cols, out int ld)
    {
        long length = Shape(t.Rank, t.Lengths, t.Strides, name, out rows, out cols, out ld);
        return length == 0 ? default : MemoryMarshal.CreateSpan(ref t.GetPinnableReference(), (int)length);
    }

    private static long Shape(int rank, ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides, string name, out int rows, out int cols, out int ld)
    {
        if (rank != 2)
            throw new ArgumentException($"{name} must be a 2-D tensor span (rows × cols); it has rank {rank}.", name);
        if (lengths[0] > int.MaxValue || lengths[1] > int.MaxValue)
            throw new ArgumentException($"{name} is {lengths[0]}×{lengths[1]}; each dimension must fit in an int.", name);
        rows = (int)lengths[0];
        cols = (int)lengths[1];
        if (cols > 1 && rows > 0 && strides[1] != 1)
            throw new ArgumentException($"{name} has column stride {strides[1]}; its rows must be contiguous (column stride 1). Copy it to a dense tensor first.", name);
        if (rows <= 1 || cols == 0)
            ld = Math.Max(1, cols); // the row stride is never used
        else if (strides[0] < cols || strides[0] > int.MaxValue)
            throw new ArgumentException($"{name} has row stride {strides[0]} for rows of {cols}; rows must not overlap (stride ≥ cols, within an int).", name);
        else
            ld = (int)strides[0];
        long length = Require.MinimumLength(rows, cols, ld);
        if (length > int.MaxValue)
            throw new ArgumentException($"{name} spans {length} elements, more than a span can hold.", name);
        return length;
    }
}
