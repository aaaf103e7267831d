/**
 * Text from users or the model, made inert for Slack's mrkdwn: `&`, `<` and `>` are control characters there
 * (`<!channel>` pings everyone, `<https://x|label>` disguises a link), so they are sent as entities, which Slack shows
 * as the characters. https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
