namespace SimdSoftmax;

/// <summary>
/// A labeled image data set ready for a classifier: <see cref="Count"/> rows of <see cref="FeatureCount"/> float features
/// (pixels scaled to [0, 1] by <see cref="Load"/>) and one label per row.
/// </summary>
public sealed partial class LabeledImages
{
    /// <summary>Wraps features and labels (not copied).</summary>
    /// <param name="features">N×(height·width) floats, row-major.</param>
    /// <param name="labels">N labels, each ≥ 0.</param>
    /// <param name="height">Image height in pixels (for pictures of the data or of weights), at least 1.</param>
    /// <param name="width">Image width in pixels, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or a label is negative.</exception>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    public LabeledImages(float[] features, int[] labels, int height, int width)
        : this(features, labels, height, width, channels: 1, constantFeature: false)
    {
    }

    /// <summary>N×D features, row-major.</summary>
    public float[] Features { get; }

    /// <summary>N labels.</summary>
    public int[] Labels { get; }

    /// <summary>N, the number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>D = <see cref="Channels"/>·<see cref="Height"/>·<see cref="Width"/> (+ 1 with <see cref="HasConstantFeature"/>), features per sample.</summary>
    public int FeatureCount => PixelCount + (HasConstantFeature ? 1 : 0);

    /// <summary>One more than the largest label (0 when empty): the class count C a classifier needs for these labels.</summary>
    public int ClassCount => Labels.Length == 0 ? 0 : Labels.Max() + 1;

    /// <summary>Loads an IDX images file and its IDX labels file (each plain or gzip); pixels become floats in [0, 1].</summary>
    /// <param name="imagesPath">The images file (magic 0x00000803).</param>
    /// <param name="labelsPath">The labels file (magic 0x00000801).</param>
    /// <exception cref="InvalidDataException">A file is corrupt, truncated or of the wrong kind, or the two hold different numbers of samples.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static LabeledImages Load(string imagesPath, string labelsPath)
    {
        IdxImages images = IdxFormat.ReadImages(imagesPath);
        byte[] labels = IdxFormat.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
            throw new InvalidDataException(
                $"IDX images file '{imagesPath}' holds {images.Count} images but labels file '{labelsPath}' holds {labels.Length} labels; they must match one to one.");
        var y = new int[labels.Length];
        for (int i = 0; i < y.Length; i++) y[i] = labels[i];
        return new LabeledImages(images.ToUnitFloats(), y, images.Height, images.Width);
    }

    /// <summary>The samples at <paramref name="indices"/>, copied, in that order.</summary>
    /// <param name="indices">Sample indices in [0, N); repeats allowed.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, N).</exception>
    public LabeledImages Subset(ReadOnlySpan<int> indices)
    {
        int d = FeatureCount;
        var x = new float[(long)indices.Length * d];
        var y = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            if ((uint)k >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), k, $"indices[{i}] = {k} is outside [0, {Count}).");
            Features.AsSpan(k * d, d).CopyTo(x.AsSpan(i * d, d));
            y[i] = Labels[k];
        }
        return new LabeledImages(x, y, Height, Width, Channels, HasConstantFeature);
    }

    /// <summary>
    /// Splits the samples into two disjoint sets of <paramref name="firstCount"/> and N − firstCount samples, in the order
    /// of a permutation drawn from <paramref name="seed"/> (the same seed always gives the same split).
    /// </summary>
    /// <param name="firstCount">Size of the first part, in [0, N].</param>
    /// <param name="seed">Seed of the permutation.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstCount"/> is outside [0, N].</exception>
    public (LabeledImages First, LabeledImages Second) Split(int firstCount, int seed)
    {
        if ((uint)firstCount > (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(firstCount), firstCount, $"Must be in [0, {Count}].");
        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Random(seed).Shuffle(order);
        return (Subset(order.AsSpan(0, firstCount)), Subset(order.AsSpan(firstCount)));
    }

    /// <summary>The mean image: the average of every sample's features (D floats; zeros when empty).</summary>
    public float[] MeanImage()
    {
        int d = FeatureCount;
        var sum = new double[d];
        for (int i = 0; i < Count; i++)
        {
            ReadOnlySpan<float> row = Features.AsSpan(i * d, d);
            for (int p = 0; p < d; p++) sum[p] += row[p];
        }
        var mean = new float[d];
        if (Count > 0) for (int p = 0; p < d; p++) mean[p] = (float)(sum[p] / Count);
        return mean;
    }

    /// <summary>
    /// Subtracts <paramref name="image"/> from every sample in place — pass the <em>training</em> set's
    /// <see cref="MeanImage"/> to center both the training and the test set the same way.
    /// </summary>
    /// <param name="image">D floats.</param>
    /// <exception cref="ArgumentException"><paramref name="image"/> does not hold D floats.</exception>
    public void SubtractImage(ReadOnlySpan<float> image)
    {
        int d = FeatureCount;
        Require.Length(image.Length, d, nameof(image));
        for (int i = 0; i < Count; i++)
        {
            Span<float> row = Features.AsSpan(i * d, d);
            System.Numerics.Tensors.TensorPrimitives.Subtract(row, image, row);
        }
    }
}
