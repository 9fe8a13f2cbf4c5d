using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace LatentAudio.Audio;

/// <summary>
/// Which exceptions out of a managed decoder library (NLayer, NVorbis) mean that the file is bad, and which are ours.
/// The libraries have no exception type of their own: on damaged data they throw what their parsing meets
/// (InvalidDataException, EndOfStreamException, ArgumentException and ArgumentOutOfRangeException from a bad size or
/// index, IndexOutOfRangeException, InvalidOperationException for a state the data cannot reach). Only those become
/// the file's <see cref="InvalidInputException"/>. A NullReferenceException, OutOfMemoryException,
/// ArgumentNullException or ObjectDisposedException is a bug, and an IOException of the underlying stream is an I/O
/// failure: both surface as they are, so that a fuzzer sees the bug and the command reports the I/O failure.
/// <para>
/// The libraries call back into our code (the streams they read: <see cref="PatchedReadStream"/>,
/// <see cref="StallGuardStream"/>, the file itself), so the same exception types can come from either side. Every
/// stream a library is given is therefore wrapped by <see cref="Feed"/>, which marks whatever it throws as ours; a
/// marked exception is rethrown as it was, whatever its type.
/// </para>
/// </summary>
internal static class DecoderLibrary
{
    /// <summary>True for the exception types by which a decoder library reports damaged data.</summary>
    public static bool MeansBadData(Exception e) => e switch
    {
        ArgumentNullException or ObjectDisposedException => false,
        InvalidDataException or EndOfStreamException or ArgumentException or IndexOutOfRangeException or InvalidOperationException => true,
        _ => false,
    };

    /// <summary>The stream to give the library: what it throws is marked as ours (see <see cref="Translate"/>). Owns <paramref name="input"/>.</summary>
    public static Stream Feed(Stream input) => new OwnCodeStream(input);

    /// <summary>Runs a call into the library; see <see cref="Translate"/> for what its exceptions become.</summary>
    public static T Call<T>(Func<T> call, Func<Exception, InvalidInputException> badData)
    {
        try { return call(); }
        catch (Exception e) { throw Translate(e, badData); }
    }

    /// <summary>
    /// What an exception out of a library call becomes, to be thrown by the caller: one that
    /// <see cref="MeansBadData"/> becomes <paramref name="badData"/>'s input error. One of ours (thrown by a stream
    /// given through <see cref="Feed"/>, even when the library wrapped it) and any other are rethrown here, unchanged
    /// and with their stacks.
    /// </summary>
    public static InvalidInputException Translate(Exception e, Func<Exception, InvalidInputException> badData)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is OwnCodeFault own) ExceptionDispatchInfo.Throw(own.InnerException!);
        if (MeansBadData(e)) return badData(e);
        ExceptionDispatchInfo.Throw(e);
        throw new UnreachableException();
    }

    /// <summary>Carries an exception thrown by our code while a library was calling it.</summary>
    private sealed class OwnCodeFault(Exception inner) : Exception(inner.Message, inner);

    /// <summary>A pass-through stream whose every exception is marked <see cref="OwnCodeFault"/>.</summary>
    private sealed class OwnCodeStream(Stream inner) : Stream
    {
        public override bool CanRead => Mark(() => inner.CanRead);
        public override bool CanSeek => Mark(() => inner.CanSeek);
        public override bool CanWrite => false;
        public override long Length => Mark(() => inner.Length);
        public override long Position { get => Mark(() => inner.Position); set => Mark(() => inner.Position = value); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Checked here, unmarked: arguments out of range are the library's own mistake, made on damaged data (AFL
            // finding read_args_out_of_range.ogg: NVorbis 0.10.5 asks for a count past the end of its own buffer).
            ValidateBufferArguments(buffer, offset, count);
            try { return inner.Read(buffer, offset, count); }
            catch (Exception e) { throw new OwnCodeFault(e); }
        }

        public override int Read(Span<byte> buffer)
        {
            try { return inner.Read(buffer); }
            catch (Exception e) { throw new OwnCodeFault(e); }
        }

        public override long Seek(long offset, SeekOrigin origin) => Mark(() => inner.Seek(offset, origin));
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private static T Mark<T>(Func<T> call)
        {
            try { return call(); }
            catch (Exception e) { throw new OwnCodeFault(e); }
        }
    }
}
