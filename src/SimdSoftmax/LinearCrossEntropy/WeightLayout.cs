namespace SimdSoftmax;

/// <summary>How a linear layer's weight matrix W is stored (row-major).</summary>
public enum WeightLayout
{
    /// <summary>D×C (inputs × classes): scores are <c>X·W</c>, as <see cref="SoftmaxLoss"/>'s classifier stores W.</summary>
    InputsByClasses = 0,
    /// <summary>C×D (classes × inputs): scores are <c>X·Wᵀ</c>, as <c>torch.nn.Linear</c> and an LM head store the weight.</summary>
    ClassesByInputs = 1,
}
