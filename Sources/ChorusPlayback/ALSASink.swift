import ChorusSupport
import CALSA
import Foundation

// Every snd_* call in Chorus lives in this file.

/// Plays through ALSA's PCM interface (libasound), as 32-bit float interleaved frames; ALSA's
/// plug layer converts rate and format for the device. Owns one `snd_pcm_t*`, closed in `deinit`.
public final class ALSASink: AudioSink {
    public let name: String
    public let audible = true
    private var pcm: OpaquePointer?
    let channels: Int

    /// Opens `device` (`snd_pcm_open`, then `snd_pcm_set_params` with 60 ms of latency and a
    /// start threshold of 20 ms through `snd_pcm_sw_params`).
    /// - Throws: ``PlaybackError`` with ALSA's own text (`snd_strerror`) when there is no such
    ///   device or it refuses the format.
    public init(device: String = "default", rate: Int, channels: Int) throws {
        chorus_alsa_quiet()
        self.channels = channels
        var handle: OpaquePointer?
        var rc = snd_pcm_open(&handle, device, SND_PCM_STREAM_PLAYBACK, 0)
        guard rc >= 0, let handle else { throw PlaybackError("ALSA '\(device)': \(Self.message(rc))") }
        rc = snd_pcm_set_params(handle, SND_PCM_FORMAT_FLOAT_LE, SND_PCM_ACCESS_RW_INTERLEAVED, UInt32(channels), UInt32(rate), 1, 60_000)
        guard rc >= 0 else {
            snd_pcm_close(handle)
            throw PlaybackError("ALSA device '\(device)' refuses \(channels) channels at \(rate) Hz: \(Self.message(rc))")
        }
        // snd_pcm_set_params starts the device only once its buffer is full (60 ms); start on
        // the first 20 ms instead, so a clip is heard as soon as it is handed over. Best effort:
        // a device that refuses keeps the default.
        var sw: OpaquePointer?
        if snd_pcm_sw_params_malloc(&sw) >= 0, let sw {
            if snd_pcm_sw_params_current(handle, sw) >= 0,
               snd_pcm_sw_params_set_start_threshold(handle, sw, snd_pcm_uframes_t(max(1, rate / 50))) >= 0 {
                _ = snd_pcm_sw_params(handle, sw)
            }
            snd_pcm_sw_params_free(sw)
        }
        pcm = handle
        name = "ALSA \(device)"
    }

    deinit {
        if let pcm {
            snd_pcm_drop(pcm)
            snd_pcm_close(pcm)
        }
    }

    /// `snd_pcm_writei`, recovering from an underrun (`snd_pcm_recover`).
    public func write(_ samples: [Float]) throws {
        guard let pcm else { return }
        var offset = 0
        let frames = samples.count / channels
        while offset < frames {
            let written = samples.withUnsafeBufferPointer { buffer in
                snd_pcm_writei(pcm, buffer.baseAddress! + offset * channels, snd_pcm_uframes_t(frames - offset))
            }
            if written < 0 {
                let rc = snd_pcm_recover(pcm, Int32(written), 1)
                if rc < 0 { throw PlaybackError("ALSA playback failed: \(Self.message(rc))") }
            } else {
                offset += Int(written)
            }
        }
    }

    /// `snd_pcm_delay`: frames queued ahead of the speaker.
    public var queuedFrames: Int {
        guard let pcm else { return 0 }
        var delay = snd_pcm_sframes_t(0)
        return snd_pcm_delay(pcm, &delay) >= 0 ? max(0, Int(delay)) : 0
    }

    /// `snd_pcm_drop`, then `snd_pcm_prepare` so the next write plays at once.
    public func drop() {
        guard let pcm else { return }
        snd_pcm_drop(pcm)
        snd_pcm_prepare(pcm)
    }

    /// `snd_pcm_drain`: plays what is queued, then stops.
    public func drain() {
        guard let pcm else { return }
        snd_pcm_drain(pcm)
    }

    private static func message(_ rc: Int32) -> String {
        guard let text = snd_strerror(rc) else { return "error \(rc)" }
        return String(cString: text)
    }
}

/// Why playback could not start or went on.
/// A sound device that cannot be opened or fails while playing.
public struct PlaybackError: ChorusError {
    public var message: String
    public var location: String? { nil }
    public var underlying: (any Error & Sendable)? { nil }
    public var errorCode: String { "playback" }
    init(_ message: String) { self.message = message }
}
