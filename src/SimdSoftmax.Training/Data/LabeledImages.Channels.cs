namespace SimdSoftmax;

public sealed partial class LabeledImages
{
    /// <summary>Wraps features and labels (not copied) of images with several channels, optionally followed by a constant feature.</summary>
    /// <param name="features">N×D floats, row-major; each row holds the channels one after another (channel-major planes of height·width, as CIFAR-10 stores them), then the constant feature if any.</param>
    /// <param name="labels">N labels, each ≥ 0.</param>
    /// <param name="height">Image height in pixels, at least 1.</param>
    /// <param name="width">Image width in pixels, at least 1.</param>
    /// <param name="channels">Planes per image (1 grey, 3 colour), at least 1.</param>
    /// <param name="constantFeature">Whether each row ends with one more feature, the constant 1 of the "bias trick".</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or a label is negative.</exception>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    public LabeledImages(float[] features, int[] labels, int height, int width, int channels, bool constantFeature = false)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        Require.Positive(height);
        Require.Positive(width);
        Require.Positive(channels);
        int pixels = Require.Product(Require.Product(height, width, nameof(width)), channels, nameof(channels));
        if (constantFeature && pixels == int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "One more feature would not fit in a span.");
        int d = pixels + (constantFeature ? 1 : 0);
        Require.Length(features.Length, (long)labels.Length * d, nameof(features));
        Require.Labels(labels, int.MaxValue, nameof(labels));
        Features = features;
        Labels = labels;
        Height = height;
        Width = width;
        Channels = channels;
        HasConstantFeature = constantFeature;
    }

    /// <summary>Planes per image: 1 for grey (MNIST), 3 for colour (CIFAR-10, channel-major R, G, B).</summary>
    public int Channels { get; }

    /// <summary>Whether the last feature of every row is the constant 1 of the bias trick (added by <see cref="WithConstantFeature"/>).</summary>
    public bool HasConstantFeature { get; }

    /// <summary><see cref="Channels"/>·<see cref="Height"/>·<see cref="Width"/>: the image part of a row.</summary>
    public int PixelCount => Channels * Height * Width;

    /// <summary>
    /// A copy with the constant 1 appended to every row (the course's "bias trick": the last row of W then acts as the bias).
    /// Do it after <see cref="SubtractImage"/>: centring afterwards would subtract the constant's mean, 1, from it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The rows already end with the constant feature.</exception>
    public LabeledImages WithConstantFeature()
    {
        if (HasConstantFeature) throw new InvalidOperationException("The rows already end with the constant feature.");
        int p = PixelCount, d = p + 1;
        var x = new float[(long)Count * d];
        for (int i = 0; i < Count; i++)
        {
            Features.AsSpan(i * p, p).CopyTo(x.AsSpan(i * d, p));
            x[(long)i * d + p] = 1f;
        }
        return new LabeledImages(x, (int[])Labels.Clone(), Height, Width, Channels, constantFeature: true);
    }
}
