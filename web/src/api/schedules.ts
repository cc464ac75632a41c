/** Typed calls for the schedules routes, one function per route, over the app's client. */
import type { OrcaClient } from './client.ts';
import type {
  CreateSchedule,
  PreviewSchedule,
  Schedule,
  ScheduleFire,
  SchedulePreview,
} from './schedule-types.ts';

const seg = encodeURIComponent;

export const listSchedules = (api: OrcaClient) => api.http.request<Schedule[]>('GET', '/schedules');
export const getSchedule = (api: OrcaClient, id: string) =>
  api.http.request<Schedule>('GET', `/schedules/${seg(id)}`);
export const createSchedule = (api: OrcaClient, body: CreateSchedule) =>
  api.http.request<Schedule>('POST', '/schedules', body);
export const updateSchedule = (api: OrcaClient, id: string, body: Partial<CreateSchedule>) =>
  api.http.request<Schedule>('PATCH', `/schedules/${seg(id)}`, body);
export const setScheduleEnabled = (api: OrcaClient, id: string, enabled: boolean) =>
  api.http.request<Schedule>('POST', `/schedules/${seg(id)}/${enabled ? 'enable' : 'disable'}`);
export const deleteSchedule = (api: OrcaClient, id: string) =>
  api.http.request<void>('DELETE', `/schedules/${seg(id)}`);
export const listScheduleFires = (api: OrcaClient, id: string) =>
  api.http.request<ScheduleFire[]>('GET', `/schedules/${seg(id)}/fires`);
export const previewSchedule = (api: OrcaClient, body: PreviewSchedule, signal?: AbortSignal) =>
  api.http.request<SchedulePreview>('POST', '/schedules/preview', body, { signal });
