using System.Text;
using LatentAudio.Audio;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Audio;

/// <summary>
/// MP3 priming and padding against LAME 3.100's own decoder. Fixtures/audio/lame: files made by the <c>lame</c> CLI
/// (and the two FFmpeg-made fixtures), each with <c>NAME.ref.flac</c>, the <c>lame --decode</c> output stored
/// losslessly; see Fixtures/audio/README.md. CI needs neither tool.
/// </summary>
public class Mp3GaplessTests(ITestOutputHelper output)
{
    // NLayer and mpglib agree to within 3.7e-5 on the frames they decode alike (measured on every fixture below but
    // the 8 kHz one: 16-bit rounding of the reference, 3.05e-5, plus float differences); ten times that.
    private const double SampleTolerance = 4e-4;

    [Theory]
    [InlineData("lame_speech16k_b48.mp3", 16000, 1)]    // MPEG-2 CBR, Info tag
    [InlineData("lame_speech22k_b64.mp3", 22050, 1)]    // the case: MPEG-2 CBR; padding 580, so 51 cut at the end
    [InlineData("lame_music44k_b128.mp3", 44100, 2)]    // MPEG-1 joint stereo CBR
    [InlineData("lame_synth48k_v4.mp3", 48000, 2)]      // MPEG-1 VBR (-V 4), Xing tag
    [InlineData("lame_speech8k_v4.mp3", 8000, 1)]       // MPEG-2.5 VBR (-V 4), Xing tag
    [InlineData("lame_speech16k_b32.mp3", 16000, 1)]    // no tag: a 32 kbps MPEG-2 frame is too small for it, LAME leaves it out
    [InlineData("lame_music44k_notag.mp3", 44100, 2)]   // no tag: lame -t
    [InlineData("ffmpeg_speech16k.mp3", 16000, 1)]      // FFmpeg libmp3lame: "Lavc" tag after an ID3v2 tag
    [InlineData("ffmpeg_stereo44k.mp3", 44100, 2)]
    [InlineData("twolame_speech22k_b64.mp2", 22050, 1)] // Layer II (twolame; lame --decode --mp2input): 241 at the start
    public void LengthAndAlignmentEqualLameDecode(string file, int rate, int channels)
    {
        var (path, reference) = Load(file);
        long declared;
        using (var reader = AudioFile.OpenReader(path))
        {
            Assert.Equal(rate, reader.Format.SampleRate);
            Assert.Equal(channels, reader.Format.Channels);
            declared = reader.Format.TotalFrames ?? -1;
        }
        var decoded = AudioFile.Read(path);
        output.WriteLine($"{file}: declared {declared}, decoded {decoded.Length}, lame --decode {reference.Length}");
        Assert.Equal(reference.Length, declared);
        Assert.Equal(reference.Length, decoded.Length);
        for (int c = 0; c < channels; c++)
        {
            // Up to ±1200 samples: more than a frame of priming, the size of every error this rule could make.
            var lag = BestLag(reference.Channel(c), decoded.Channel(c), maxLag: 1200);
            output.WriteLine($"  channel {c}: best lag {lag}");
            Assert.Equal(0, lag);
        }
    }

    [Theory]
    [InlineData("lame_speech16k_b48.mp3")]
    [InlineData("lame_speech22k_b64.mp3")]
    [InlineData("lame_music44k_b128.mp3")]
    [InlineData("lame_speech16k_b32.mp3")]
    [InlineData("lame_music44k_notag.mp3")]
    [InlineData("ffmpeg_speech16k.mp3")]
    [InlineData("ffmpeg_stereo44k.mp3")]
    [InlineData("twolame_speech22k_b64.mp2")]
    public void SamplesEqualLameDecode(string file)
    {
        var (path, reference) = Load(file);
        var decoded = AudioFile.Read(path);
        Assert.Equal(reference.Length, decoded.Length);
        var (max, _, _) = Compare(reference, decoded);
        output.WriteLine($"{file}: max |NLayer - lame --decode| {max:E3}");
        Assert.True(max <= SampleTolerance, $"{file}: differs from lame --decode by up to {max:E3}");
    }

    /// <summary>
    /// Two fixtures where NLayer 3.0.1 itself decodes some frames differently from mpglib (not a trimming matter:
    /// the samples around them agree to the tolerance, and the length and alignment test above passes). Measured:
    /// 48 kHz VBR, 2 of 44 frames (short blocks) up to 8.0e-3 off; 8 kHz (MPEG-2.5), NLayer is wrong on many frames
    /// (SNR against the source 6.6 dB, lame's 28.6 dB; 11.025 and 12 kHz decode alike). The bounds below are the
    /// measured share of samples beyond the tolerance (1.91 % and 30.5 %) and largest difference (8.0e-3, 0.70),
    /// doubled, so that a worse decode fails.
    /// </summary>
    [Theory]
    [InlineData("lame_synth48k_v4.mp3", 0.038, 1.6e-2)]
    [InlineData("lame_speech8k_v4.mp3", 0.61, 1.4)]
    public void KnownNLayerDecodeDifferencesStayAsMeasured(string file, double maxShareBeyond, double maxDiff)
    {
        var (path, reference) = Load(file);
        var decoded = AudioFile.Read(path);
        Assert.Equal(reference.Length, decoded.Length);
        var (max, beyond, total) = Compare(reference, decoded);
        double share = (double)beyond / total;
        output.WriteLine($"{file}: max {max:E3}, {beyond} of {total} samples ({share:P2}) beyond {SampleTolerance}");
        Assert.True(share <= maxShareBeyond, $"{file}: {share:P2} of the samples differ by more than {SampleTolerance}");
        Assert.True(max <= maxDiff, $"{file}: max difference {max:E3}");
    }

    [Fact]
    public void SmallReadsAndWindowsMatchTheWholeDecode()
    {
        // The end padding is held back in a buffer; reads of any size and windows must see the same samples.
        var path = TestPaths.Fixtures("audio", "lame", "lame_speech22k_b64.mp3");
        var whole = AudioFile.Read(path);
        var pieces = new List<float>();
        using (var reader = AudioFile.OpenReader(path))
        {
            var buf = new float[7];
            int n;
            while ((n = reader.Read(buf)) > 0) pieces.AddRange(buf.AsSpan(0, n).ToArray());
        }
        Assert.Equal(whole.Channel(0), pieces.ToArray());
        var tail = AudioFile.Read(path, offsetSeconds: 1.7);
        Assert.Equal(whole.Length - (int)Math.Round(1.7 * 22050), tail.Length);
        Assert.Equal(whole.Channel(0).AsSpan(whole.Length - tail.Length).ToArray(), tail.Channel(0));
    }

    [Fact]
    public void ATruncatedFileLosesItsPaddingAtItsOwnEnd()
    {
        // The first 17,971 bytes of lame_music44k_b128.mp3: the Info frame and 42 of its 47 audio frames. LAME keeps
        // the last padding − 529 = 119 decoded samples back wherever the stream ends: lame --decode of this prefix
        // gives 42 × 1152 − 1105 − 119 = 47,160 frames, the first 47,160 of the whole file's decode (both measured).
        var mp3 = File.ReadAllBytes(TestPaths.Fixtures("audio", "lame", "lame_music44k_b128.mp3"));
        var (_, reference) = Load("lame_music44k_b128.mp3");
        // Refused by default (issue 16): the tag declares the whole length.
        using (var strict = AudioFile.OpenReader(new MemoryStream(mp3[..17971]), "truncated.mp3"))
        {
            var e = Assert.Throws<TruncatedAudioException>(() => AudioFile.ReadAll(strict, "truncated.mp3"));
            Assert.Equal(reference.Length, e.Truncation.DeclaredFrames);
            Assert.Equal(47160, e.Truncation.ActualFrames);
        }
        using var reader = AudioFile.OpenReader(new MemoryStream(mp3[..17971]), "truncated.mp3", new AudioReadOptions { AllowTruncated = true });
        Assert.Equal(reference.Length, reader.Format.TotalFrames);   // what the tag says; the stream is shorter
        var decoded = AudioFile.ReadAll(reader, "truncated.mp3");
        Assert.Equal(47160, decoded.Length);
        var (max, _, _) = Compare(reference.Slice(0, 47160), decoded);
        Assert.True(max <= SampleTolerance, $"differs from lame --decode by up to {max:E3}");
    }

    [Fact]
    public void AnITunSmpbCommentChangesNothing()
    {
        // NLayer trims by an iTunSMPB comment when the LAME fields read zero (which is how the reader shows them to
        // it); LAME's decoder ignores the comment. Delay 0x840 would shift the decode by 2112 samples.
        var mp3 = File.ReadAllBytes(TestPaths.Fixtures("audio", "lame", "lame_speech22k_b64.mp3"));
        var text = Encoding.ASCII.GetBytes("\0iTunSMPB\0 00000000 00000840 00000100 0000000000009000 00000000");
        var frame = new byte[10 + text.Length];
        "TXXX"u8.CopyTo(frame);
        frame[7] = (byte)text.Length;   // ID3v2.3 frame size: plain 32-bit, < 128 here
        text.CopyTo(frame, 10);
        var tag = new byte[10 + frame.Length];
        "ID3"u8.CopyTo(tag); tag[3] = 3;
        tag[9] = (byte)frame.Length;    // syncsafe, < 128 here
        frame.CopyTo(tag, 10);
        using var reader = AudioFile.OpenReader(new MemoryStream([.. tag, .. mp3]), "itunsmpb.mp3");
        var tagged = AudioFile.ReadAll(reader, "itunsmpb.mp3");
        var plain = AudioFile.Read(TestPaths.Fixtures("audio", "lame", "lame_speech22k_b64.mp3"));
        Assert.Equal(plain.Channel(0), tagged.Channel(0));
    }

    // The rule on hand-made tags (an MPEG-1 Layer III stereo frame, 128 kbps, 44.1 kHz: 417 bytes).
    [Theory]
    [InlineData(576, 1404, 40, 576 + 529, 1404 - 529, 40 * 1152 - 576 - 1404)]
    [InlineData(576, 300, 40, 576 + 529, 0, 40 * 1152 - 576 - 529)]              // padding < 529: nothing to cut, the last 229 are not decodable
    [InlineData(3001, 1404, 40, 0, 1404 - 529, 40 * 1152 - 875)]                 // delay > 3000 counts as absent; LAME then skips nothing at the start
    [InlineData(4095, 4095, 40, 529, 0, 40 * 1152 - 529)]                        // both absent: as without a tag
    [InlineData(576, 1404, 0, 576 + 529, 1404 - 529, -1)]                        // no frame count: length unknown
    public void TagFieldsBecomeSkips(int delay, int padding, int frames, int skipStart, int skipEnd, long total)
    {
        var frame = new byte[417];
        new byte[] { 0xFF, 0xFB, 0x90, 0x00 }.CopyTo(frame, 0);
        int x = 4 + 32;
        "Info"u8.CopyTo(frame.AsSpan(x));
        frame[x + 7] = (byte)(frames > 0 ? 1 : 0);
        int p = x + 8;
        if (frames > 0) { frame[p + 2] = (byte)(frames >> 8); frame[p + 3] = (byte)frames; p += 4; }
        "LAME3.100"u8.CopyTo(frame.AsSpan(p));
        frame[p + 21] = (byte)(delay >> 4);
        frame[p + 22] = (byte)((delay & 0xF) << 4 | padding >> 8);
        frame[p + 23] = (byte)padding;
        var info = Mp3GaplessInfo.Read(new MemoryStream(frame), 0);
        Assert.Equal(skipStart, info.SkipStart);
        Assert.Equal(skipEnd, info.SkipEnd);
        Assert.Equal(total < 0 ? null : total, info.TotalSamples);
        // NLayer is shown the two fields as zero.
        var patch = Assert.Single(info.HideFromNLayer);
        Assert.Equal(p + 21, patch.Position);
        Assert.Equal(new byte[3], patch.Bytes);
    }

    [Fact]
    public void WithoutATagOnlyTheDecoderDelayIsSkipped()
    {
        var frame = new byte[417];
        new byte[] { 0xFF, 0xFB, 0x90, 0x00 }.CopyTo(frame, 0);
        var info = Mp3GaplessInfo.Read(new MemoryStream(frame), 0);
        Assert.Equal(529, info.SkipStart);
        Assert.Equal(0, info.SkipEnd);
        Assert.Null(info.TotalSamples);
        Assert.Empty(info.HideFromNLayer);
    }

    [Fact]
    public void LayerIIDropsItsOwnDecoderDelay()
    {
        var frame = new byte[417];
        new byte[] { 0xFF, 0xFD, 0x90, 0x00 }.CopyTo(frame, 0);   // MPEG-1 Layer II, 160 kbps, 44.1 kHz
        var info = Mp3GaplessInfo.Read(new MemoryStream(frame), 0);
        Assert.Equal(241, info.SkipStart);
        Assert.Equal(0, info.SkipEnd);
        Assert.Null(info.TotalSamples);
    }

    private static (string Path, AudioBuffer Reference) Load(string file)
    {
        string path = file.StartsWith("ffmpeg_")
            ? TestPaths.Fixtures("audio", file["ffmpeg_".Length..])
            : TestPaths.Fixtures("audio", "lame", file);
        var reference = AudioFile.Read(TestPaths.Fixtures("audio", "lame", Path.ChangeExtension(file, ".ref.flac")));
        return (path, reference);
    }

    private static (double Max, long Beyond, long Total) Compare(AudioBuffer reference, AudioBuffer decoded)
    {
        double max = 0; long beyond = 0, total = 0;
        for (int c = 0; c < reference.ChannelCount; c++)
        {
            float[] r = reference.Channel(c), d = decoded.Channel(c);
            for (int i = 0; i < r.Length; i++)
            {
                double e = Math.Abs(r[i] - d[i]);
                max = Math.Max(max, e);
                if (e > SampleTolerance) beyond++;
                total++;
            }
        }
        return (max, beyond, total);
    }

    /// <summary>The lag of <paramref name="b"/> against <paramref name="a"/> with the highest normalised correlation.</summary>
    private static int BestLag(float[] a, float[] b, int maxLag)
    {
        int bestLag = 0; double best = double.NegativeInfinity;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double ab = 0, aa = 0, bb = 0;
            for (int i = 0; i < a.Length; i++)
            {
                int j = i + lag;
                if (j < 0 || j >= b.Length) continue;
                ab += (double)a[i] * b[j]; aa += (double)a[i] * a[i]; bb += (double)b[j] * b[j];
            }
            double c = aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
            if (c > best) { best = c; bestLag = lag; }
        }
        return bestLag;
    }
}
