import { z } from 'zod';
import { timezoneSchema } from '../../common/protocol.ts';
import { zonedFormat } from '../../server/time/formatters.ts';
import { defineTool } from './tool.ts';

const isoParts = zonedFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});
const weekday = zonedFormat('en-US', { weekday: 'long' });
const fullDateTime = zonedFormat('en-US', { dateStyle: 'full', timeStyle: 'short' });

export const currentTimeTool = defineTool({
  id: 'current-time',
  name: 'current_time',
  title: 'Date and time',
  summary: 'Knows today’s date and the time where you are, or anywhere in the world.',
  description: "The current date and time in the user's time zone, or in another IANA time zone if given.",
  inputSchema: z.object({ timezone: timezoneSchema.optional().describe('IANA time zone, e.g. Europe/Paris') }),
  enabledByDefault: true,
  risk: 'read',
  async execute({ timezone }, context) {
    const zone = timezone ?? context.timezone;
    const parts = Object.fromEntries(
      isoParts(zone)
        .formatToParts(context.now)
        .map((part) => [part.type, part.value]),
    );
    const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
    return {
      timezone: zone,
      localDateTime: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`,
      weekday: weekday(zone).format(context.now),
      human: fullDateTime(zone).format(context.now),
    };
  },
});
