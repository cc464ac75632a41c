import { Route, Routes } from 'react-router';
import { RequireAuth } from './auth/session.tsx';
import { Layout } from './components/Layout.tsx';
import { AuditPage } from './routes/Audit.tsx';
import { CredentialsPage } from './routes/Credentials.tsx';
import { DashboardPage } from './routes/Dashboard.tsx';
import { GroupsPage } from './routes/Groups.tsx';
import { HostsPage } from './routes/Hosts.tsx';
import { JobDetailPage } from './routes/JobDetail.tsx';
import { JobEditorPage } from './routes/JobEditor.tsx';
import { JobLaunchPage } from './routes/JobLaunch.tsx';
import { JobsPage } from './routes/Jobs.tsx';
import { LoginPage } from './routes/Login.tsx';
import { NotFoundPage } from './routes/NotFound.tsx';
import { NotificationsPage } from './routes/Notifications.tsx';
import { ProjectsPage } from './routes/Projects.tsx';
import { RunCommandPage } from './routes/RunCommand.tsx';
import { RunDetailPage } from './routes/RunDetail.tsx';
import { RunsPage } from './routes/Runs.tsx';
import { ScheduleDetailPage } from './routes/ScheduleDetail.tsx';
import { ScheduleEditPage, ScheduleNewPage } from './routes/ScheduleNew.tsx';
import { SchedulesPage } from './routes/Schedules.tsx';
import { TokensPage } from './routes/Tokens.tsx';
import { UsersPage } from './routes/Users.tsx';
import { WorkersPage } from './routes/Workers.tsx';

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="run" element={<RunCommandPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/new" element={<JobEditorPage key="new" />} />
        <Route path="jobs/:id" element={<JobDetailPage />} />
        <Route path="jobs/:id/edit" element={<JobEditorPage key="edit" />} />
        <Route path="jobs/:id/run" element={<JobLaunchPage />} />
        <Route path="runs" element={<RunsPage />} />
        <Route path="runs/:id" element={<RunDetailPage />} />
        <Route path="schedules" element={<SchedulesPage />} />
        <Route path="schedules/new" element={<ScheduleNewPage />} />
        <Route path="schedules/:id" element={<ScheduleDetailPage />} />
        <Route path="schedules/:id/edit" element={<ScheduleEditPage />} />
        <Route path="hosts" element={<HostsPage />} />
        <Route path="groups" element={<GroupsPage />} />
        <Route path="credentials" element={<CredentialsPage />} />
        <Route path="tokens" element={<TokensPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="projects" element={<ProjectsPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="workers" element={<WorkersPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
