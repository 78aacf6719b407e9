/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers and writers on one FifoLock, in a GTK 4 window: buttons queue
 * requests, the window shows who holds the lock and who waits, in order,
 * and a spinner is bound to FifoMutex:locked.
 *
 * Click a waiting request to cancel it. Every grant, release and
 * cancellation is also printed on standard output.
 *
 *   --demo                 queue a few requests at start-up
 *   --hold-ms=MS           how long a writer holds the lock (readers: 1.5×)
 *   --quit-after-seconds=S cancel everything and quit after S seconds
 *   --screenshot=FILE      save the window as a PNG half a second after
 *                          start-up
 */
#include <fifolock-glib/fifolock.h>
#include <gtk/gtk.h>

typedef enum {
  REQUEST_WAITING,
  REQUEST_HOLDING,
  REQUEST_DONE,
} RequestState;

typedef struct _Demo Demo;

typedef struct
{
  Demo         *demo;
  char         *name;
  FifoLockMode *mode;          /* borrowed from the demo */
  gboolean      is_writer;
  RequestState  state;
  GCancellable *cancellable;
  GtkWidget    *chip;          /* in the waiting or the holding box */
  guint         release_id;
} Request;

struct _Demo
{
  GtkApplication *app;
  GtkWindow      *window;
  GtkWidget      *holding_box;
  GtkWidget      *waiting_box;

  FifoLock       *lock;
  FifoLockMode   *read;
  FifoLockMode   *write;
  GList          *requests;    /* every request not done, oldest first */
  guint           n_readers;
  guint           n_writers;

  FifoMutex      *printer;
  GCancellable   *printer_cancellable;
  guint           job_id;      /* the job holding the printer */

  /* The command-line options. */
  gboolean        run_demo;
  int             hold_ms;
  double          quit_after;
  char           *screenshot;

  gboolean        shutting_down;
};

static const char *css =
  ".chip { padding: 6px 12px; border-radius: 999px; font-weight: bold;"
  "        min-width: 2.5em; color: white; background: none; box-shadow: none; }"
  ".chip.reader { background-color: #3584e4; }"
  ".chip.writer { background-color: #e66100; }"
  ".chip.waiting { opacity: 0.75; }"
  ".queue { min-height: 40px; padding: 6px; border-radius: 12px;"
  "         background-color: alpha(currentColor, 0.06); }"
  ".caption { font-weight: bold; }";

/* ---- the lock ----------------------------------------------------------- */

static void
request_free (Request *request)
{
  g_clear_object (&request->cancellable);
  g_free (request->name);
  g_free (request);
}

static void
request_set_state (Request      *request,
                   RequestState  state)
{
  Demo *demo = request->demo;

  request->state = state;
  if (request->chip != NULL)
    {
      gtk_box_remove (GTK_BOX (gtk_widget_get_parent (request->chip)), request->chip);
      request->chip = NULL;
    }

  if (state == REQUEST_DONE)
    demo->requests = g_list_remove (demo->requests, request);

  /* Once the window is gone, only the state changes. */
  if (state == REQUEST_DONE || demo->window == NULL)
    return;

  request->chip = gtk_button_new_with_label (request->name);
  gtk_widget_add_css_class (request->chip, "chip");
  gtk_widget_add_css_class (request->chip, request->is_writer ? "writer" : "reader");
  if (state == REQUEST_WAITING)
    {
      gtk_widget_add_css_class (request->chip, "waiting");
      gtk_widget_set_tooltip_text (request->chip, "Waiting: click to cancel");
      g_signal_connect_swapped (request->chip, "clicked",
                                G_CALLBACK (g_cancellable_cancel), request->cancellable);
      gtk_box_append (GTK_BOX (demo->waiting_box), request->chip);
    }
  else
    {
      gtk_widget_set_tooltip_text (request->chip, "Holds the lock");
      gtk_widget_set_can_target (request->chip, FALSE);
      gtk_box_append (GTK_BOX (demo->holding_box), request->chip);
    }
}

static void
request_release (Request *request)
{
  g_print ("%s releases\n", request->name);
  fifo_lock_release (request->demo->lock, request->mode);
  request_set_state (request, REQUEST_DONE);
  request_free (request);
}

static gboolean
request_release_cb (gpointer data)
{
  Request *request = data;

  request->release_id = 0;
  request_release (request);
  return G_SOURCE_REMOVE;
}

static void
request_acquired_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Request *request = data;
  Demo *demo = request->demo;
  g_autoptr(GError) error = NULL;

  if (!fifo_lock_acquire_finish (FIFO_LOCK (source), result, &error))
    {
      g_print ("%s is cancelled\n", request->name);
      request_set_state (request, REQUEST_DONE);
      request_free (request);
    }
  else
    {
      g_print ("%s is granted the lock\n", request->name);
      request_set_state (request, REQUEST_HOLDING);
      if (demo->shutting_down)
        request_release (request);
      else
        request->release_id = g_timeout_add ((guint) (request->is_writer ? demo->hold_ms : demo->hold_ms * 3 / 2),
                                             request_release_cb, request);
    }

  g_application_release (G_APPLICATION (demo->app));
}

static void
demo_add_request (Demo     *demo,
                  gboolean  is_writer)
{
  Request *request;

  if (demo->shutting_down)
    return;

  request = g_new0 (Request, 1);
  request->demo = demo;
  request->is_writer = is_writer;
  request->mode = is_writer ? demo->write : demo->read;
  request->name = is_writer ? g_strdup_printf ("W%u", ++demo->n_writers)
                            : g_strdup_printf ("R%u", ++demo->n_readers);
  request->cancellable = g_cancellable_new ();
  demo->requests = g_list_append (demo->requests, request);
  request_set_state (request, REQUEST_WAITING);

  /* Until its callback has run, the application must not quit. */
  g_application_hold (G_APPLICATION (demo->app));
  g_print ("%s asks for the lock\n", request->name);
  fifo_lock_acquire_async (demo->lock, request->mode, request->cancellable,
                           request_acquired_cb, request);
}

static void
add_reader_cb (Demo *demo)
{
  demo_add_request (demo, FALSE);
}

static void
add_writer_cb (Demo *demo)
{
  demo_add_request (demo, TRUE);
}

/* ---- the printer: a FifoMutex -------------------------------------------- */

static gboolean
job_done_cb (gpointer data)
{
  Demo *demo = data;

  demo->job_id = 0;
  fifo_mutex_release (demo->printer);
  g_application_release (G_APPLICATION (demo->app));
  return G_SOURCE_REMOVE;
}

static void
printer_acquired_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Demo *demo = data;

  if (!fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL))
    {
      g_application_release (G_APPLICATION (demo->app));
      return;
    }

  /* The application stays held until the job is done. */
  if (demo->shutting_down)
    job_done_cb (demo);
  else
    demo->job_id = g_timeout_add ((guint) demo->hold_ms * 2, job_done_cb, demo);
}

static void
add_job_cb (Demo *demo)
{
  if (demo->shutting_down)
    return;

  g_application_hold (G_APPLICATION (demo->app));
  fifo_mutex_acquire_async (demo->printer, demo->printer_cancellable,
                            printer_acquired_cb, demo);
}

/* ---- the window ---------------------------------------------------------- */

static gboolean
n_waiting_to_label (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      data)
{
  guint n = g_value_get_uint (from);

  g_value_take_string (to, n == 0 ? g_strdup ("Nobody waits")
                                  : g_strdup_printf ("%u waiting, in this order (click one to cancel it)", n));
  return TRUE;
}

static gboolean
n_jobs_to_label (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      data)
{
  g_value_take_string (to, g_strdup_printf ("%u queued", g_value_get_uint (from)));
  return TRUE;
}

static GtkWidget *
caption_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  return label;
}

static GtkWidget *
queue_box_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_add_css_class (box, "queue");
  return box;
}

static GtkWidget *
button_new (const char *label,
            GCallback   callback,
            Demo       *demo)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  g_signal_connect_swapped (button, "clicked", callback, demo);
  return button;
}

static void
demo_build_window (Demo *demo)
{
  GtkWidget *window = gtk_application_window_new (demo->app);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *explanation;
  GtkWidget *n_waiting;
  GtkWidget *printer_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *n_jobs = gtk_label_new (NULL);

  demo->window = GTK_WINDOW (window);
  gtk_window_set_title (demo->window, "fifolock-glib: readers and writers");
  gtk_window_set_titlebar (demo->window, gtk_header_bar_new ());
  gtk_window_set_default_size (demo->window, 640, -1);

  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_widget_set_margin_start (content, 18);
  gtk_widget_set_margin_end (content, 18);

  explanation = gtk_label_new ("Readers share one FifoLock, a writer holds it alone — "
                               "and nobody is served out of turn: a reader behind a "
                               "waiting writer waits, although it could share.");
  gtk_label_set_wrap (GTK_LABEL (explanation), TRUE);
  gtk_label_set_xalign (GTK_LABEL (explanation), 0);
  gtk_box_append (GTK_BOX (content), explanation);

  gtk_box_append (GTK_BOX (buttons), button_new ("Add a reader", G_CALLBACK (add_reader_cb), demo));
  gtk_box_append (GTK_BOX (buttons), button_new ("Add a writer", G_CALLBACK (add_writer_cb), demo));
  gtk_box_append (GTK_BOX (content), buttons);

  gtk_box_append (GTK_BOX (content), caption_new ("Holding the lock"));
  demo->holding_box = queue_box_new ();
  gtk_box_append (GTK_BOX (content), demo->holding_box);

  n_waiting = caption_new (NULL);
  g_object_bind_property_full (demo->lock, "n-waiting", n_waiting, "label",
                               G_BINDING_SYNC_CREATE, n_waiting_to_label, NULL, NULL, NULL);
  gtk_box_append (GTK_BOX (content), n_waiting);
  demo->waiting_box = queue_box_new ();
  gtk_box_append (GTK_BOX (content), demo->waiting_box);

  gtk_box_append (GTK_BOX (content), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  /* A FifoMutex guards a pretend printer: the spinner turns while it is
   * locked, through a plain property binding. */
  gtk_box_append (GTK_BOX (printer_row), caption_new ("Printer (a FifoMutex)"));
  gtk_box_append (GTK_BOX (printer_row), button_new ("Print", G_CALLBACK (add_job_cb), demo));
  g_object_bind_property (demo->printer, "locked", spinner, "spinning", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (printer_row), spinner);
  g_object_bind_property_full (demo->printer, "n-waiting", n_jobs, "label",
                               G_BINDING_SYNC_CREATE, n_jobs_to_label, NULL, NULL, NULL);
  gtk_box_append (GTK_BOX (printer_row), n_jobs);
  gtk_box_append (GTK_BOX (content), printer_row);

  gtk_window_set_child (demo->window, content);
}

/* ---- start-up, screenshot, shutdown -------------------------------------- */

static gboolean
save_screenshot_cb (gpointer data)
{
  Demo *demo = data;
  GtkWidget *widget = GTK_WIDGET (demo->window);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, demo->screenshot))
    g_printerr ("Could not save the screenshot to %s\n", demo->screenshot);
  else
    g_print ("screenshot saved to %s\n", demo->screenshot);

  return G_SOURCE_REMOVE;
}

static gboolean
demo_script_cb (gpointer data)
{
  Demo *demo = data;

  demo_add_request (demo, FALSE);
  demo_add_request (demo, FALSE);
  demo_add_request (demo, TRUE);   /* waits for the two readers */
  demo_add_request (demo, FALSE);  /* could share with them, but waits for W1 */
  demo_add_request (demo, TRUE);
  add_job_cb (demo);
  add_job_cb (demo);

  return G_SOURCE_REMOVE;
}

/* Cancels whatever waits, releases whatever is held, and closes the window:
 * the application quits once the last callback has run. */
static gboolean
quit_cb (gpointer data)
{
  Demo *demo = data;
  GList *requests;

  if (demo->shutting_down)
    return G_SOURCE_REMOVE;
  demo->shutting_down = TRUE;

  g_cancellable_cancel (demo->printer_cancellable);
  if (demo->job_id != 0)
    {
      g_source_remove (demo->job_id);
      job_done_cb (demo);
    }

  requests = g_list_copy (demo->requests);
  for (GList *l = requests; l != NULL; l = l->next)
    {
      Request *request = l->data;

      if (request->state == REQUEST_WAITING)
        g_cancellable_cancel (request->cancellable);
      else if (request->state == REQUEST_HOLDING)
        {
          g_clear_handle_id (&request->release_id, g_source_remove);
          request_release (request);
        }
    }
  g_list_free (requests);

  /* The cancelled requests' callbacks are still to run: they find no
   * window, and no chip of theirs. */
  for (GList *l = demo->requests; l != NULL; l = l->next)
    ((Request *) l->data)->chip = NULL;
  gtk_window_destroy (g_steal_pointer (&demo->window));
  return G_SOURCE_REMOVE;
}

static gboolean
close_request_cb (GtkWindow *window,
                  Demo      *demo)
{
  quit_cb (demo);
  return TRUE;  /* quit_cb() destroyed it */
}

static void
startup_cb (GtkApplication *app,
            Demo           *demo)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
activate_cb (GtkApplication *app,
             Demo           *demo)
{
  if (demo->window != NULL)
    {
      gtk_window_present (demo->window);
      return;
    }

  demo->hold_ms = MAX (demo->hold_ms, 10);
  demo_build_window (demo);
  g_signal_connect (demo->window, "close-request", G_CALLBACK (close_request_cb), demo);
  gtk_window_present (demo->window);

  if (demo->run_demo)
    g_idle_add (demo_script_cb, demo);
  if (demo->screenshot != NULL)
    g_timeout_add (500, save_screenshot_cb, demo);
  if (demo->quit_after > 0)
    g_timeout_add ((guint) (demo->quit_after * 1000), quit_cb, demo);
}

int
main (int    argc,
      char **argv)
{
  Demo demo = { .hold_ms = 1000 };
  int status;
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo.run_demo,
      "Queue a few requests at start-up", NULL },
    { "hold-ms", 0, 0, G_OPTION_ARG_INT, &demo.hold_ms,
      "How long a writer holds the lock (a reader: 1.5 times as long)", "MS" },
    { "quit-after-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &demo.quit_after,
      "Cancel everything and quit after S seconds", "S" },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &demo.screenshot,
      "Save the window as a PNG half a second after start-up", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  demo.lock = fifo_lock_new ();
  demo.read = fifo_shared_mode_new ();
  demo.write = fifo_exclusive_mode_new ();
  demo.printer = fifo_mutex_new ();
  demo.printer_cancellable = g_cancellable_new ();

  demo.app = gtk_application_new ("org.gnome.FifolockGlib.RwlockDemo", G_APPLICATION_NON_UNIQUE);
  g_application_add_main_option_entries (G_APPLICATION (demo.app), entries);
  g_signal_connect (demo.app, "startup", G_CALLBACK (startup_cb), &demo);
  g_signal_connect (demo.app, "activate", G_CALLBACK (activate_cb), &demo);

  status = g_application_run (G_APPLICATION (demo.app), argc, argv);

  g_clear_object (&demo.app);
  g_clear_object (&demo.lock);
  g_clear_object (&demo.read);
  g_clear_object (&demo.write);
  g_clear_object (&demo.printer);
  g_clear_object (&demo.printer_cancellable);
  g_free (demo.screenshot);
  return status;
}
