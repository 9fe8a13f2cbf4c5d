using LatentAudio.Tensors;
using SkiaSharp;

namespace LatentAudio.Reports;

/// <summary>Renders a time-major log-mel [T, nMels] as a PNG (time left to right, low frequencies at the bottom).</summary>
public static class SpectrogramImage
{
    /// <summary>Colour range of the model domain: ln(1e-5) = -11.5 (the floor) up to about +2.</summary>
    public const float DefaultMin = -11.5f, DefaultMax = 2.5f;

    public static byte[] LogMelPng(Tensor mel, float min = DefaultMin, float max = DefaultMax) =>
        Render(mel, v => Viridis((v - min) / (max - min)));

    /// <summary>Difference image (b - a) with a diverging palette: blue where b is quieter, red where louder.</summary>
    public static byte[] DifferencePng(Tensor a, Tensor b, float range = 4f)
    {
        int t = Math.Min(a.Shape[0], b.Shape[0]), m = a.Shape[1];
        var diff = new float[t * m];
        for (int i = 0; i < diff.Length; i++) diff[i] = b.Data[i] - a.Data[i];
        return Render(new Tensor(diff, t, m), v => Diverging(v / range));
    }

    private static byte[] Render(Tensor mel, Func<float, SKColor> color)
    {
        int frames = mel.Shape[0], bands = mel.Shape[1];
        // One column per frame up to 1024 px wide; longer inputs are averaged into columns.
        int width = Math.Max(1, Math.Min(frames, 1024)), height = bands * Math.Max(1, 256 / bands);
        using var bitmap = new SKBitmap(width, height);
        for (int x = 0; x < width; x++)
        {
            int f0 = (int)((long)x * frames / width), f1 = Math.Max(f0 + 1, (int)((long)(x + 1) * frames / width));
            for (int band = 0; band < bands; band++)
            {
                float sum = 0;
                for (int f = f0; f < f1; f++) sum += mel.Data[f * bands + band];
                var c = color(sum / (f1 - f0));
                int rows = height / bands;
                for (int r = 0; r < rows; r++) bitmap.SetPixel(x, height - 1 - (band * rows + r), c);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    // A 5-stop approximation of matplotlib's viridis (perceptually uniform, colour-blind safe).
    private static readonly (float R, float G, float B)[] ViridisStops =
        [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

    private static SKColor Viridis(float t)
    {
        t = float.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        float p = t * (ViridisStops.Length - 1);
        int i = Math.Min((int)p, ViridisStops.Length - 2);
        float f = p - i;
        var (a, b) = (ViridisStops[i], ViridisStops[i + 1]);
        return new SKColor((byte)(a.R + (b.R - a.R) * f), (byte)(a.G + (b.G - a.G) * f), (byte)(a.B + (b.B - a.B) * f));
    }

    private static SKColor Diverging(float t)
    {
        t = float.IsFinite(t) ? Math.Clamp(t, -1, 1) : 0;
        byte fade = (byte)(255 * (1 - Math.Abs(t)));
        return t >= 0 ? new SKColor(255, fade, fade) : new SKColor(fade, fade, 255);
    }
}
