namespace LatentAudio.Codec.Quantisation;

/// <summary>How the encoder picks each window's per-channel steps (stored in the header for the record).</summary>
public enum StepMode : byte
{
    /// <summary>The same step Δ for every latent channel.</summary>
    Fixed = 0,
    /// <summary>Δ_c = Δ · (standard deviation of channel c in the window).</summary>
    SpreadScaled = 1,
    /// <summary>A fixed Δ per window found by search so the window's coded size meets a target bitrate.</summary>
    TargetBitrate = 2,
}

/// <summary>Encoder-side quantiser choice: a mode and its value (Δ, or target kbps of the latent payload per coded stream).</summary>
public sealed record QuantiserSettings(StepMode Mode, double Value)
{
    public static QuantiserSettings FixedStep(double step) => new(StepMode.Fixed, step);
    public static QuantiserSettings Spread(double relativeStep) => new(StepMode.SpreadScaled, relativeStep);
    public static QuantiserSettings TargetKbps(double kbps) => new(StepMode.TargetBitrate, kbps);

    public void Validate()
    {
        if (!(Value > 0) || !double.IsFinite(Value))
            throw new InvalidInputException(Mode == StepMode.TargetBitrate
                ? $"target bitrate must be a positive number of kbps, got {Value}"
                : $"quantiser step must be positive, got {Value}");
    }
}
