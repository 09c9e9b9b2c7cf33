// Voice mode: a full-screen conversation by voice. The avatar large, a status line (listening,
// thinking, speaking) that screen readers hear, the microphone's level, the transcript of both
// sides, hands-free (the voice-activity detector decides when the person has spoken) or
// push-to-talk (hold the button or Space), barge-in (speaking over the companion stops it and tells
// the server how much was heard), and an exit always one tap or Escape away.
import { useCallback, useEffect, useRef, useState } from 'react';
import { approvalAnswerOf, spokenApprovalQuestion, spokenApprovalWordOf } from '../../../common/approval-words.ts';
import type { Care, Emotion, ServerFrame, ToolApproval, Voice, VoiceState } from '../../../common/client.ts';
import { LivingAvatar } from '../avatar/living-avatar.tsx';
import { CareCard } from '../care/care-card.tsx';
import { ToolApprovalCardList } from '../chat/tool-approval-card.tsx';
import { approvalsFor } from '../chat/tool-approvals.ts';
import { useToolApprovals } from '../chat/use-tool-approvals.ts';
import { Icon } from '../components/icons.tsx';
import { sentenceForErrorId } from '../error-messages.ts';
import { useRealtime, useRealtimeFrames } from '../realtime/realtime-context.tsx';
import { browserSpeechSupport, listenInBrowser, speakInBrowser, stopBrowserSpeech } from './browser-speech.ts';
import { type Microphone, MicrophoneError, openMicrophone } from './microphone.ts';
import { utteranceFrames } from './pcm.ts';
import { SegmentPlayer } from './segment-player.ts';
import { missingAbilitySentence, speechAbilities } from './speech-abilities.ts';
import './voice-mode.css';

export interface VoiceModeProps {
  companionName: string;
  avatarId: string | undefined;
  voice: Voice | undefined;
  conversationId: string | undefined;
  /** The catalog's `speech`: whether the server speaks and transcribes. */
  serverSpeech: { synthesis: boolean; recognition?: boolean };
  onEmotion(emotion: Emotion): void;
  onClose(): void;
}

type TalkMode = 'hands-free' | 'push-to-talk';
type Phase = 'starting' | 'ready' | 'denied' | 'failed' | 'unavailable';

interface Line {
  key: string;
  speaker: 'person' | 'companion';
  text: string;
  /** The help a reply to a worrying message carries: shown under it, since a phone number is hard to catch by ear. */
  care?: Care;
}

/** What the status line shows, by key (kept in `data-voice-state` for the tests). */
type ShownState = 'starting' | 'listening' | 'hearing' | 'hold' | 'thinking' | 'speaking' | 'offline' | 'stopped';

function statusSentence(state: ShownState, companionName: string): string {
  switch (state) {
    case 'starting':
      return 'Getting the microphone ready…';
    case 'listening':
      return 'Listening…';
    case 'hearing':
      return 'Hearing you…';
    case 'hold':
      return 'Hold the talk button or Space while you speak.';
    case 'thinking':
      return `${companionName} is thinking…`;
    case 'speaking':
      return `${companionName} is speaking…`;
    case 'offline':
      return 'The connection is down. Voice will work again when it is back.';
    case 'stopped':
      return 'Voice is not available.';
  }
}

const microphoneSentences: Record<MicrophoneError['reason'], string> = {
  denied: 'Kindred is not allowed to use your microphone. Allow microphone access for this site in your browser or phone settings, then try again.',
  missing: 'No microphone was found. Connect one, then try again.',
  detector: 'The speech detector could not start in this browser. Try push-to-talk, or type in the chat.',
  unsupported: 'This browser cannot use a microphone here. Type in the chat instead.',
};

export function VoiceMode({ companionName, avatarId, voice, conversationId, serverSpeech, onEmotion, onClose }: VoiceModeProps) {
  const realtime = useRealtime();
  const abilities = speechAbilities(serverSpeech, browserSpeechSupport());
  const missing = missingAbilitySentence(abilities);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const talkButtonRef = useRef<HTMLButtonElement>(null);
  const [phase, setPhase] = useState<Phase>(abilities.listening === 'none' ? 'unavailable' : 'starting');
  const [problem, setProblem] = useState<string | undefined>(abilities.listening === 'none' ? missing : undefined);
  const [serverState, setServerState] = useState<VoiceState>('idle');
  const [emotion, setEmotion] = useState<Emotion>('neutral');
  const [mode, setMode] = useState<TalkMode>('hands-free');
  // A tool call that asks first pauses the spoken turn too: its card shows here, since the chat behind
  // this modal dialog cannot be reached. Shown: those waiting, and, once answered, those seen waiting
  // while voice mode was open, so the outcome shows where the buttons were.
  const [approvalAnnouncement, setApprovalAnnouncement] = useState('');
  const toolApprovals = useToolApprovals(setApprovalAnnouncement);
  const shownApprovals = approvalsFor(toolApprovals.approvals, { elsewhereThan: new Set(), seenWaiting: toolApprovals.seenWaiting });
  const [holding, setHolding] = useState(false);
  const [personSpeaking, setPersonSpeaking] = useState(false);
  const [replyPlaying, setReplyPlaying] = useState(false);
  const [lines, setLines] = useState<Line[]>([]);
  const [segmentsPlayed, setSegmentsPlayed] = useState(0);
  const [utterancesSent, setUtterancesSent] = useState(0);
  const [online, setOnline] = useState(realtime.status === 'open');
  const [attempt, setAttempt] = useState(0);

  const modeRef = useRef(mode);
  modeRef.current = mode;
  const holdingRef = useRef(false);
  const heldFrames = useRef<Float32Array[]>([]);
  const conversationRef = useRef(conversationId);
  conversationRef.current = conversationId;
  const microphoneRef = useRef<Microphone | undefined>(undefined);
  const playerRef = useRef<SegmentPlayer | undefined>(undefined);
  const browserSpeakingRef = useRef<{ messageId: string } | undefined>(undefined);
  /** A request to approve a tool call the reply waits on: the companion asks it aloud, and the person's words answer it. */
  const awaitedApprovalRef = useRef<ToolApproval | undefined>(undefined);
  const answerApprovalRef = useRef(toolApprovals.cards.onAnswer);
  answerApprovalRef.current = toolApprovals.cards.onAnswer;
  const browserOpening = useRef(0);
  const utteranceCounter = useRef(0);

  const setFaceEmotion = useCallback(
    (next: Emotion) => {
      setEmotion(next);
      onEmotion(next);
    },
    [onEmotion],
  );

  /** Speaking over the companion: its voice stops now and the server learns how much was heard. */
  const bargeIn = useCallback(() => {
    // While the companion asks whether it may use a tool, what the person says is the answer: its
    // voice is not cut, and the reply goes on after a yes or a no.
    if (awaitedApprovalRef.current !== undefined) return;
    const heard = playerRef.current?.interrupt();
    if (heard) {
      setReplyPlaying(false);
      realtime.sendVoiceFrame({ type: 'voice-interrupt', ...heard });
    }
    const browserSpeech = browserSpeakingRef.current;
    if (browserSpeech) {
      browserSpeakingRef.current = undefined;
      stopBrowserSpeech();
      setReplyPlaying(false);
    }
  }, [realtime]);

  const sendUtterance = useCallback(
    (samples: Float32Array) => {
      utteranceCounter.current += 1;
      const utteranceId = `utterance-${Date.now().toString(36)}-${utteranceCounter.current}`;
      for (const frame of utteranceFrames(utteranceId, samples, conversationRef.current)) {
        if (!realtime.sendVoiceFrame(frame)) return setOnline(false);
      }
      setUtterancesSent((count) => count + 1);
    },
    [realtime],
  );

  // The dialog opens modal (focus stays inside, the page behind is inert), and voice starts on the server.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // The reply's audio comes as binary frames: no base64 to make on the server or to undo here.
    const startVoice = () =>
      realtime.sendVoiceFrame({ type: 'voice-start', binaryAudio: true, ...(conversationRef.current ? { conversationId: conversationRef.current } : {}) });
    startVoice();
    const stopWatching = realtime.watchStatus((status) => {
      setOnline(status === 'open');
      // A new socket knows nothing of voice mode: say again that it is on.
      if (status === 'open') startVoice();
    });
    return () => {
      stopWatching();
      realtime.sendVoiceFrame({ type: 'voice-stop' });
    };
  }, [realtime]);

  // The player for the server's speech.
  useEffect(() => {
    if (abilities.speaking !== 'server') return;
    const context = new AudioContext();
    const player = new SegmentPlayer(context, {
      onSegmentPlayed: () => setSegmentsPlayed(player.totalPlayed),
      onIdle: () => setReplyPlaying(false),
    });
    playerRef.current = player;
    return () => {
      player.reset();
      playerRef.current = undefined;
      void context.close();
    };
  }, [abilities.speaking]);

  // The microphone: the detector for the server's recognition, the browser's own recognition otherwise.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the "Try again" button: a new attempt opens the microphone again.
  useEffect(() => {
    if (abilities.listening === 'none') return;
    let cancelled = false;
    let browserListener: { stop(): void } | undefined;
    setPhase('starting');
    setProblem(undefined);
    const useDetector = abilities.listening === 'server';
    openMicrophone(
      {
        onSpeechStart: () => {
          if (modeRef.current !== 'hands-free') return;
          setPersonSpeaking(true);
          bargeIn();
        },
        onMisfire: () => setPersonSpeaking(false),
        onSpeechEnd: (audio) => {
          setPersonSpeaking(false);
          if (modeRef.current === 'hands-free') sendUtterance(audio);
        },
        onFrame: (frame) => {
          if (holdingRef.current) heldFrames.current.push(frame.slice());
        },
      },
      { detector: useDetector },
    )
      .then((microphone) => {
        if (cancelled) return void microphone.close();
        microphoneRef.current = microphone;
        setPhase('ready');
        if (!useDetector) {
          browserListener = listenInBrowser(voice?.providers.browser.lang ?? navigator.language, {
            onSpeechStart: () => bargeIn(),
            onPhrase: (text) => {
              setLines((previous) => [...previous, { key: `phrase-${previous.length}`, speaker: 'person', text }]);
              // A short yes, no or always answers the question the companion asked; anything else is a turn.
              const awaited = awaitedApprovalRef.current;
              const word = awaited === undefined ? null : spokenApprovalWordOf(text);
              if (awaited !== undefined && word !== null) {
                answerApprovalRef.current(awaited, approvalAnswerOf(word));
                return;
              }
              realtime.sendMessage({ text, ...(conversationRef.current ? { conversationId: conversationRef.current } : {}) });
            },
            onError: (reason) => {
              setPhase(reason === 'denied' ? 'denied' : 'failed');
              setProblem(reason === 'denied' ? microphoneSentences.denied : 'This browser stopped listening. Try again, or type in the chat.');
            },
          });
        }
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        const reason = error instanceof MicrophoneError ? error.reason : 'missing';
        setPhase(reason === 'denied' ? 'denied' : 'failed');
        setProblem(microphoneSentences[reason]);
      });
    return () => {
      cancelled = true;
      browserListener?.stop();
      void microphoneRef.current?.close();
      microphoneRef.current = undefined;
      stopBrowserSpeech();
    };
  }, [abilities.listening, attempt, bargeIn, sendUtterance, realtime, voice]);

  const handleFrame = useCallback(
    (frame: ServerFrame) => {
      switch (frame.type) {
        case 'voice-state':
          setServerState(frame.state);
          if (frame.emotion) setFaceEmotion(frame.emotion);
          return;
        case 'tool-approval-request':
          awaitedApprovalRef.current = frame.approval;
          // The server says the question when it synthesizes speech; with the browser's voice, this does.
          if (abilities.speaking === 'browser')
            speakInBrowser(spokenApprovalQuestion(frame.approval), voice, {
              onWord: () => {
                browserOpening.current = 0.8;
              },
              onEnd: () => {},
            });
          return;
        case 'tool-approval-resolved':
          if (frame.approval.id === awaitedApprovalRef.current?.id) awaitedApprovalRef.current = undefined;
          return;
        case 'voice-transcript':
          if (frame.text.trim() === '') return;
          setLines((previous) => [...previous, { key: `utterance-${frame.utteranceId}`, speaker: 'person', text: frame.text }]);
          return;
        case 'message-start':
          setLines((previous) => [...previous, { key: frame.messageId, speaker: 'companion', text: '' }]);
          return;
        case 'text-delta':
          setLines((previous) => previous.map((line) => (line.key === frame.messageId ? { ...line, text: line.text + frame.text } : line)));
          return;
        case 'message-end': {
          const message = frame.message;
          if (message.role !== 'assistant') return;
          setLines((previous) =>
            previous.some((line) => line.key === message.id)
              ? previous.map((line) => (line.key === message.id ? { ...line, text: message.text, care: message.care } : line))
              : [...previous, { key: message.id, speaker: 'companion', text: message.text, care: message.care }],
          );
          if (abilities.speaking === 'browser' && message.status === 'complete' && message.text.trim() !== '') {
            browserSpeakingRef.current = { messageId: message.id };
            setReplyPlaying(true);
            speakInBrowser(message.text, voice, {
              onWord: () => {
                browserOpening.current = 0.8;
              },
              onEnd: () => {
                if (browserSpeakingRef.current?.messageId !== message.id) return;
                browserSpeakingRef.current = undefined;
                setReplyPlaying(false);
                setSegmentsPlayed((count) => count + 1);
              },
            });
          }
          return;
        }
        case 'voice-segment':
          setFaceEmotion(frame.emotion);
          if (playerRef.current) {
            playerRef.current.add(frame);
            setReplyPlaying(true);
          }
          return;
        case 'voice-segment-audio':
          playerRef.current?.addAudio(frame);
          return;
        case 'voice-reply-end':
          if (frame.interrupted) {
            setLines((previous) => previous.map((line) => (line.key === frame.messageId ? { ...line, text: frame.spokenText } : line)));
          }
          return;
        case 'error':
          if (frame.confirmationId === undefined && frame.approvalId === undefined) setProblem(sentenceForErrorId(frame.id));
          return;
        default:
          return;
      }
    },
    [abilities.speaking, setFaceEmotion, voice],
  );
  useRealtimeFrames(handleFrame);

  const startHolding = useCallback(() => {
    if (holdingRef.current || phase !== 'ready') return;
    bargeIn();
    holdingRef.current = true;
    heldFrames.current = [];
    setHolding(true);
  }, [bargeIn, phase]);

  const stopHolding = useCallback(() => {
    if (!holdingRef.current) return;
    holdingRef.current = false;
    setHolding(false);
    const frames = heldFrames.current;
    heldFrames.current = [];
    const length = frames.reduce((total, frame) => total + frame.length, 0);
    // Under a quarter of a second is a tap, not speech.
    if (length < 4_000) return;
    const samples = new Float32Array(length);
    let offset = 0;
    for (const frame of frames) {
      samples.set(frame, offset);
      offset += frame.length;
    }
    sendUtterance(samples);
  }, [sendUtterance]);

  // Space talks while held, in push-to-talk; it never reaches the page behind.
  useEffect(() => {
    if (mode !== 'push-to-talk') return;
    const down = (event: KeyboardEvent) => {
      if (event.code !== 'Space' || (event.target instanceof HTMLElement && event.target.closest('.voice-mode-options'))) return;
      event.preventDefault();
      if (!event.repeat) startHolding();
    };
    const up = (event: KeyboardEvent) => {
      if (event.code !== 'Space') return;
      event.preventDefault();
      stopHolding();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [mode, startHolding, stopHolding]);

  const shown: ShownState = !online
    ? 'offline'
    : phase === 'starting'
      ? 'starting'
      : phase !== 'ready'
        ? 'stopped'
        : replyPlaying
          ? 'speaking'
          : holding || personSpeaking
            ? 'hearing'
            : serverState === 'transcribing' || serverState === 'thinking'
              ? 'thinking'
              : serverState === 'speaking'
                ? 'speaking'
                : mode === 'push-to-talk'
                  ? 'hold'
                  : 'listening';

  const transcriptEnd = useRef<HTMLLIElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the newest line is scrolled to whenever the lines change.
  useEffect(() => {
    // In braces: newer browsers answer scrollIntoView with a promise, which React would take for a clean-up.
    void transcriptEnd.current?.scrollIntoView({ block: 'nearest' });
  }, [lines]);

  return (
    <dialog
      ref={dialogRef}
      className="voice-mode"
      aria-label={`Voice conversation with ${companionName}`}
      data-voice-state={shown}
      data-segments-played={segmentsPlayed}
      data-utterances-sent={utterancesSent}
      onCancel={(event) => {
        // Escape: the dialog closes through React, so the microphone and playback stop with it.
        event.preventDefault();
        onClose();
      }}
    >
      <header className="voice-mode-header">
        <fieldset className="voice-mode-options" disabled={phase !== 'ready'}>
          <legend className="visually-hidden">How to talk</legend>
          <label>
            <input type="radio" name="talk-mode" checked={mode === 'hands-free'} onChange={() => setMode('hands-free')} />
            Hands-free
          </label>
          <label>
            <input type="radio" name="talk-mode" checked={mode === 'push-to-talk'} onChange={() => setMode('push-to-talk')} />
            Push to talk
          </label>
        </fieldset>
        <button type="button" className="icon-button voice-mode-exit" aria-label="End voice conversation" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>

      <div className="voice-mode-stage">
        <LiveAvatar
          avatarId={avatarId}
          emotion={emotion}
          label={`${companionName}, looking ${emotion}`}
          opening={() => playerRef.current?.opening() ?? decayBrowserOpening(browserOpening)}
          level={() => microphoneRef.current?.level() ?? 0}
        />
        <p className="voice-mode-status" role="status" aria-live="polite">
          {problem && phase !== 'ready' ? problem : statusSentence(shown, companionName)}
        </p>
        {problem && phase === 'ready' && (
          <p className="voice-mode-note" role="alert">
            {problem}
          </p>
        )}
        {phase === 'ready' && missing && <p className="voice-mode-note">{missing}</p>}
        {(phase === 'denied' || phase === 'failed') && (
          <div className="voice-mode-actions">
            <button type="button" className="button primary" onClick={() => setAttempt((count) => count + 1)}>
              Try again
            </button>
            <button type="button" className="button secondary" onClick={onClose}>
              Back to chat
            </button>
          </div>
        )}
        {phase === 'unavailable' && (
          <div className="voice-mode-actions">
            <button type="button" className="button primary" onClick={onClose}>
              Back to chat
            </button>
          </div>
        )}
      </div>

      {shownApprovals.length > 0 && (
        <section className="voice-mode-approvals" aria-label="Waiting for your answer">
          <ToolApprovalCardList approvals={shownApprovals} cards={toolApprovals.cards} />
        </section>
      )}
      <p className="visually-hidden" aria-live="polite">
        {approvalAnnouncement}
      </p>

      <section className="voice-mode-transcript" aria-label="Transcript">
        <ol>
          {lines.map((line) => (
            <li key={line.key} className={`voice-line ${line.speaker}`} data-speaker={line.speaker}>
              <span className="voice-line-speaker">{line.speaker === 'person' ? 'You' : companionName}</span> {line.text || '…'}
              {line.care && <CareCard care={line.care} />}
            </li>
          ))}
          <li ref={transcriptEnd} aria-hidden="true" className="voice-line-end" />
        </ol>
      </section>

      {mode === 'push-to-talk' && phase === 'ready' && (
        <button
          ref={talkButtonRef}
          type="button"
          className={`voice-talk-button${holding ? ' holding' : ''}`}
          aria-pressed={holding}
          onPointerDown={(event) => {
            event.currentTarget.setPointerCapture(event.pointerId);
            startHolding();
          }}
          onPointerUp={stopHolding}
          onPointerCancel={stopHolding}
          onContextMenu={(event) => event.preventDefault()}
        >
          <Icon name="microphone" />
          {holding ? 'Release to send' : 'Hold to talk'}
        </button>
      )}
    </dialog>
  );
}

/** The browser's voice gives no envelope: each word opens the mouth, which then closes a little every frame. */
function decayBrowserOpening(opening: { current: number }): number {
  opening.current *= 0.9;
  return opening.current;
}

/** The avatar and the level meter, redrawn every animation frame without re-rendering the transcript. */
function LiveAvatar({
  avatarId,
  emotion,
  label,
  opening,
  level,
}: {
  avatarId: string | undefined;
  emotion: Emotion;
  label: string;
  opening: () => number;
  level: () => number;
}) {
  const [mouth, setMouth] = useState(0);
  const [input, setInput] = useState(0);
  const latest = useRef({ opening, level });
  latest.current = { opening, level };
  useEffect(() => {
    let frame = requestAnimationFrame(function draw() {
      // Rounded, so React renders only when something visibly changed.
      setMouth(Math.round(latest.current.opening() * 50) / 50);
      setInput(Math.round(latest.current.level() * 20) / 20);
      frame = requestAnimationFrame(draw);
    });
    return () => cancelAnimationFrame(frame);
  }, []);
  const percent = Math.round(input * 100);
  return (
    <>
      <LivingAvatar avatarId={avatarId} emotion={emotion} opening={mouth} size={240} label={label} className="voice-mode-avatar" />
      <meter className="voice-meter" aria-label="Microphone level" min={0} max={100} value={percent} data-level={percent}>
        {percent}%
      </meter>
    </>
  );
}
