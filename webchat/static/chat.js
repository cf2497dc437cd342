// Connects Web Chat to this service's local Direct Line (polling, no WebSocket) and shows it.
(async function () {
  const target = document.getElementById('webchat');

  function showProblem(text) {
    const status = target.querySelector('.status');
    status.textContent = text;
    status.classList.add('problem');
  }

  if (!window.WebChat) {
    showProblem('Web Chat is not installed here. Start the bot with `make run`, which installs it.');
    return;
  }

  let token;
  try {
    const response = await fetch('/v3/directline/tokens/generate', { method: 'POST' });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    ({ token } = await response.json());
  } catch (error) {
    showProblem(`The bot could not be reached (${error.message}). Is it running?`);
    return;
  }

  window.WebChat.renderWebChat(
    {
      directLine: window.WebChat.createDirectLine({
        domain: new URL('/v3/directline', window.location.href).href,
        token,
        webSocket: false,
        pollingInterval: 300
      }),
      userID: `user-${Math.random().toString(36).slice(2, 10)}`,
      username: 'You',
      locale: 'en-US',
      styleOptions: {
        botAvatarInitials: 'CB',
        userAvatarInitials: 'You',
        hideUploadButton: true
      }
    },
    target
  );

  // Start with the keyboard in the send box, so the first thing typed goes to the bot.
  const sendBox = await new Promise(resolve => {
    const find = () => target.querySelector('[data-id="webchat-sendbox-input"]');
    const observer = new MutationObserver(() => find() && (observer.disconnect(), resolve(find())));
    observer.observe(target, { childList: true, subtree: true });
  });
  sendBox.focus();
})();
