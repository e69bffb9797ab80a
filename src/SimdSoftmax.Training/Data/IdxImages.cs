namespace SimdSoftmax;

/// <summary>Images as an IDX file stores them: <see cref="Count"/> images of <see cref="Height"/>×<see cref="Width"/> unsigned bytes, row-major.</summary>
public sealed class IdxImages
{
    /// <summary>Wraps pixel bytes (not copied).</summary>
    /// <param name="pixels">count·height·width bytes, image after image, each row-major.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="height">Rows of pixels in each image (the height), at least 1.</param>
    /// <param name="width">Pixels per image row (the width), at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold exactly count·height·width bytes.</exception>
    public IdxImages(byte[] pixels, int count, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        Require.NonNegative(count);
        Require.Positive(height);
        Require.Positive(width);
        Require.Length(pixels.Length, (long)count * height * width, nameof(pixels));
        Pixels = pixels;
        Count = count;
        Height = height;
        Width = width;
    }

    /// <summary>The pixel bytes, image after image.</summary>
    public byte[] Pixels { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Height of each image in pixels (its rows of pixels).</summary>
    public int Height { get; }

    /// <summary>Width of each image in pixels.</summary>
    public int Width { get; }

    /// <summary>Pixels per image, <see cref="Height"/>·<see cref="Width"/>: the feature count D of a classifier.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The pixels as floats in [0, 1] (<c>byte / 255</c>), one row of <see cref="PixelsPerImage"/> per image.</summary>
    public float[] ToUnitFloats()
    {
        var result = new float[Pixels.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertChecked<byte, float>(Pixels, result);
        System.Numerics.Tensors.TensorPrimitives.Divide(result, 255f, result);
        return result;
    }
}
