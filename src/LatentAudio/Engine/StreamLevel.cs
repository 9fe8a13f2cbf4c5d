namespace LatentAudio.Engine;

/// <summary>The level the front-end removed from one coded stream (its Mean and Scale, handed back to its Restore).</summary>
public sealed record StreamLevel(double Mean, double Scale);
