namespace SimdSoftmax;

/// <summary>Images as an IDX file stores them: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/> unsigned bytes, row-major.</summary>
public sealed class IdxImages
{
    /// <summary>Wraps pixel bytes (not copied).</summary>
    /// <param name="pixels">count·rows·columns bytes, image after image, each row-major.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="rows">Rows of each image, at least 1.</param>
    /// <param name="columns">Columns of each image, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold exactly count·rows·columns bytes.</exception>
    public IdxImages(byte[] pixels, int count, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        Require.NonNegative(count);
        Require.Positive(rows);
        Require.Positive(columns);
        Require.Length(pixels.Length, (long)count * rows * columns, nameof(pixels));
        Pixels = pixels;
        Count = count;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The pixel bytes, image after image.</summary>
    public byte[] Pixels { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Rows of each image.</summary>
    public int Rows { get; }

    /// <summary>Columns of each image.</summary>
    public int Columns { get; }

    /// <summary>Pixels per image, <see cref="Rows"/>·<see cref="Columns"/>: the feature count D of a classifier.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>The pixels as floats in [0, 1] (<c>byte / 255</c>), one row of <see cref="PixelsPerImage"/> per image.</summary>
    public float[] ToUnitFloats()
    {
        var result = new float[Pixels.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertChecked<byte, float>(Pixels, result);
        System.Numerics.Tensors.TensorPrimitives.Divide(result, 255f, result);
        return result;
    }
}
